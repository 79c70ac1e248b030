package org.medvlm.fiji;

/**
 * Runs a command's work with the thread's context class loader set to the loader of our own
 * classes. DJL finds its engine ({@code ServiceLoader}) and PyTorch's natives
 * ({@code native/lib/pytorch.properties}) through the context class loader; inside Fiji, and in
 * ImageJ 1.x with our jars in {@code plugins/}, that is the application's loader, which cannot see
 * jars that ImageJ's plugin class loader loaded ("no deep learning engine found"). The previous
 * loader is put back afterwards. Threads started inside (training, data loading) inherit it.
 */
public final class PluginContext {
  /** A command's work. */
  public interface Body {
    void run() throws Exception;
  }

  private PluginContext() {}

  public static void run(Body body) throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(PluginContext.class.getClassLoader());
    try {
      body.run();
    } finally {
      thread.setContextClassLoader(before);
    }
  }
}
