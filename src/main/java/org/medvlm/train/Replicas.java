package org.medvlm.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Data-parallel training on several devices of one machine, as PyTorch's {@code DataParallel}
 * does it: the block's own parameters live on the first device and are the ones the optimiser
 * updates; every further device holds a copy in its own DJL {@link ParameterStore}, which the
 * blocks' forward passes read. A step splits
 * the batch into contiguous shards (sizes differing by at most one), runs each shard's forward
 * pass on its device, gathers the outputs on the first device (the transfer is differentiable)
 * and computes the loss there over the whole batch, so the loss and therefore the gradient are
 * those of one device with the same batch, up to floating-point order. After the backward pass
 * {@link #reduceGradients} adds the copies' gradients into the parameters', and after the
 * optimiser step {@link #broadcast} copies the updated values (and batch-norm running statistics)
 * back to every device. Batch-norm layers see per-shard batch statistics, as in DataParallel
 * without synchronised batch norm.
 *
 * <p>With one device there are no copies and every method is a no-op besides the forward pass.
 * The same device may appear more than once (each entry gets its own copy): that runs the
 * data-parallel path on a machine without GPUs, which is how the tests check it.
 */
public final class Replicas implements AutoCloseable {
  private final List<Device> devices;
  private final List<ParameterStore> stores;
  private final List<NDManager> managers = new ArrayList<>();
  private final List<Parameter> updated = new ArrayList<>();
  private final List<Parameter> trainable = new ArrayList<>();

  private Replicas(List<Device> devices, List<ParameterStore> stores) {
    this.devices = List.copyOf(devices);
    this.stores = stores;
  }

  /** One device, the block's own parameters: what inference and single-device training use. */
  public static Replicas single(ParameterStore ps, Device device) {
    return new Replicas(List.of(device), List.of(ps));
  }

  /**
   * The block's parameters (already initialised on {@code root}'s device, which must be
   * {@code devices.get(0)}, frozen or not as training needs) and a copy on each further device.
   * Call with gradient recording off, after pretrained or resumed weights are in place.
   */
  public static Replicas of(Block block, NDManager root, List<Device> devices) {
    if (devices.isEmpty()) throw new IllegalArgumentException("no devices");
    if (!root.getDevice().equals(devices.get(0))) {
      throw new IllegalArgumentException("parameters on " + root.getDevice() + " but the first device is " + devices.get(0));
    }
    List<ParameterStore> stores = new ArrayList<>();
    stores.add(new ParameterStore(root, false));
    Replicas r = new Replicas(devices, stores);
    for (Parameter p : block.getParameters().values()) {
      if (p.requiresGradient()) r.trainable.add(p);
      if (p.requiresGradient() || p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR) r.updated.add(p);
    }
    for (int i = 1; i < devices.size(); i++) {
      NDManager m = root.newSubManager(devices.get(i));
      r.managers.add(m);
      stores.add(new CopyStore(m, block));
    }
    return r;
  }

  /**
   * A replica's parameters: a copy of each, made once on the replica's device, with its own
   * gradient. (DJL's own store would alias rather than copy on the parameters' device:
   * PyTorch's {@code to} returns the same tensor for the same device.)
   */
  private static final class CopyStore extends ParameterStore {
    private final Map<String, NDArray> copies = new HashMap<>();

    CopyStore(NDManager manager, Block block) {
      super(manager, false);
      for (Parameter p : block.getParameters().values()) {
        NDArray own = p.getArray();
        NDArray copy = own.getDevice().equals(manager.getDevice()) ? own.duplicate() : own.toDevice(manager.getDevice(), true);
        copy.attach(manager);
        if (p.requiresGradient()) copy.setRequiresGradient(true);
        copies.put(p.getId(), copy);
      }
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
      if (parameter == null) return null;
      NDArray copy = copies.get(parameter.getId());
      if (copy == null) throw new IllegalStateException("parameter " + parameter.getName() + " has no copy on " + getManager().getDevice());
      if (!copy.getDevice().equals(device)) throw new IllegalStateException("inputs on " + device + " for the replica on " + copy.getDevice());
      return copy;
    }
  }

  public int size() {
    return devices.size();
  }

  public Device device(int replica) {
    return devices.get(replica);
  }

  public ParameterStore store(int replica) {
    return stores.get(replica);
  }

  /** Shard bounds of a batch: replica r takes samples {@code [b[r], b[r + 1])}. */
  public int[] bounds(int batchSize) {
    int[] sizes = shardSizes(batchSize, devices.size());
    int[] b = new int[sizes.length + 1];
    for (int r = 0; r < sizes.length; r++) b[r + 1] = b[r] + sizes[r];
    return b;
  }

  /** How a batch splits over {@code devices}: sizes differing by at most one, the larger first. */
  public static int[] shardSizes(int batchSize, int devices) {
    if (batchSize < devices) throw new IllegalArgumentException("a batch of " + batchSize + " cannot be split over " + devices + " devices");
    int[] sizes = new int[devices];
    for (int r = 0; r < devices; r++) sizes[r] = batchSize / devices + (r < batchSize % devices ? 1 : 0);
    return sizes;
  }

  /** The forward pass of samples {@code [from, to)} on one replica; null when the shard has nothing to compute. */
  public interface ShardForward {
    NDList apply(NDManager manager, ParameterStore ps, int from, int to);
  }

  /**
   * Runs each shard on its replica (arrays in a sub-manager of {@code step} on that device) and
   * returns the outputs gathered on {@code step}'s device, each concatenated along axis 0 in
   * batch order.
   */
  public NDList forward(NDManager step, int batchSize, ShardForward f) {
    int[] b = bounds(batchSize);
    List<NDList> parts = new ArrayList<>();
    for (int r = 0; r < devices.size(); r++) {
      NDManager m = r == 0 ? step : step.newSubManager(devices.get(r));
      NDList out = f.apply(m, stores.get(r), b[r], b[r + 1]);
      if (out == null) continue;
      NDList here = new NDList();
      for (NDArray a : out) here.add(a.toDevice(step.getDevice(), false));
      parts.add(here);
    }
    if (parts.isEmpty()) throw new IllegalStateException("no shard produced an output");
    if (parts.size() == 1) return parts.get(0);
    NDList gathered = new NDList();
    for (int k = 0; k < parts.get(0).size(); k++) {
      NDList column = new NDList();
      for (NDList p : parts) column.add(p.get(k));
      gathered.add(NDArrays.concat(column, 0));
    }
    return gathered;
  }

  /** Adds every copy's gradient into the parameter's own and zeroes the copies'. */
  public void reduceGradients() {
    for (int r = 1; r < devices.size(); r++) {
      for (Parameter p : trainable) {
        NDArray own = p.getArray();
        NDArray copy = stores.get(r).getValue(p, devices.get(r), true);
        try (NDManager scope = own.getManager().newSubManager()) {
          NDArray g = copy.getGradient();
          g.attach(scope);
          NDArray total = own.getGradient();
          total.attach(scope);
          total.addi(g.toDevice(own.getDevice(), false));
          g.set(new NDIndex("..."), 0f); // not g - g: that keeps NaN
        }
      }
    }
  }

  /** Copies the updated parameters and running statistics to every further device. */
  public void broadcast() {
    for (int r = 1; r < devices.size(); r++) {
      for (Parameter p : updated) {
        NDArray own = p.getArray();
        NDArray copy = stores.get(r).getValue(p, devices.get(r), true);
        try (NDManager scope = own.getManager().newSubManager()) {
          NDArray moved = own.toDevice(devices.get(r), true);
          moved.attach(scope);
          copy.set(new NDIndex("..."), moved);
        }
      }
    }
  }

  @Override
  public void close() {
    for (NDManager m : managers) m.close();
  }
}
