package org.medvlm.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the engine's time goes: runs work under PyTorch's own operator profiler, keeps its
 * trace (Chrome trace format: open it in chrome://tracing or Perfetto) and sums each operator's
 * self time (its time less that of the operators it called).
 */
public final class OpProfile {
  private OpProfile() {}

  /** One operator: self and total milliseconds over all its calls. */
  public record Op(String name, long calls, double selfMs, double totalMs) {}

  /** Runs {@code work} under the profiler, writes the trace to {@code trace}, returns the operators by self time. */
  public static List<Op> run(Path trace, Runnable work) throws IOException {
    JniUtils.startProfile(false, true, false); // with input shapes, to tell the calls of an operator apart in the trace
    try {
      work.run();
    } finally {
      JniUtils.stopProfile(trace.toAbsolutePath().toString());
    }
    return parse(trace);
  }

  private record Event(String name, long tid, double start, double duration) {
    double end() {
      return start + duration;
    }
  }

  /** The operators of a trace, most self time first. */
  public static List<Op> parse(Path trace) throws IOException {
    List<Event> events = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(trace)) {
      for (JsonElement e : JsonParser.parseReader(r).getAsJsonArray()) {
        JsonObject o = e.getAsJsonObject();
        if (!o.has("ph") || !"X".equals(o.get("ph").getAsString())) continue;
        events.add(new Event(o.get("name").getAsString(), o.has("tid") ? o.get("tid").getAsLong() : 0, o.get("ts").getAsDouble(), o.get("dur").getAsDouble()));
      }
    }
    events.sort(Comparator.comparingLong(Event::tid).thenComparingDouble(Event::start).thenComparing(Comparator.comparingDouble(Event::duration).reversed()));
    Map<String, double[]> byName = new LinkedHashMap<>(); // calls, self, total (microseconds)
    double[] childTime = new double[events.size()];
    Deque<Integer> open = new ArrayDeque<>(); // the events enclosing the current one, innermost first
    long tid = Long.MIN_VALUE;
    for (int i = 0; i < events.size(); i++) {
      Event ev = events.get(i);
      if (ev.tid() != tid) {
        open.clear();
        tid = ev.tid();
      }
      while (!open.isEmpty() && events.get(open.peek()).end() <= ev.start()) open.pop();
      if (!open.isEmpty()) childTime[open.peek()] += ev.duration();
      open.push(i);
    }
    for (int i = 0; i < events.size(); i++) {
      Event ev = events.get(i);
      double[] a = byName.computeIfAbsent(ev.name(), k -> new double[3]);
      a[0]++;
      a[1] += Math.max(0, ev.duration() - childTime[i]);
      a[2] += ev.duration();
    }
    List<Op> ops = new ArrayList<>();
    byName.forEach((name, a) -> ops.add(new Op(name, (long) a[0], a[1] / 1000, a[2] / 1000)));
    ops.sort(Comparator.comparingDouble(Op::selfMs).reversed());
    return ops;
  }
}
