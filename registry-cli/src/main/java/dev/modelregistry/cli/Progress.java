package dev.modelregistry.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress lines on standard error for transfers that take more than a second: one line a second while
 * the transfer runs, and one when it ends. Quick transfers print nothing. Not thread-safe: one transfer at
 * a time, as the commands do them.
 */
final class Progress {

  private static final long INTERVAL = TimeUnit.SECONDS.toNanos(1);

  private final PrintWriter err;
  private final LongSupplier nanoTime;

  Progress(CliContext context) {
    this.err = context.err();
    this.nanoTime = context.nanoTime();
  }

  /**
   * {@code in}, reporting as it is read.
   *
   * @param verb what is done, {@code uploading} or {@code downloading}
   * @param name what is transferred, for the line
   * @param total the expected bytes, or -1 when unknown
   */
  InputStream track(String verb, String name, long total, InputStream in) {
    return new Tracked(in, verb, name, total);
  }

  /** A size for people: {@code 512 B}, {@code 66.2 KiB}, {@code 40.0 MiB}. */
  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  private final class Tracked extends FilterInputStream {

    private final String verb;
    private final String name;
    private final long total;
    private final long start;
    private long done;
    private long lastLine;
    private boolean reported;
    private boolean finished;

    Tracked(InputStream in, String verb, String name, long total) {
      super(in);
      this.verb = verb;
      this.name = name;
      this.total = total;
      this.start = nanoTime.getAsLong();
      this.lastLine = start;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      advance(b < 0 ? -1 : 1);
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      advance(n);
      return n;
    }

    private void advance(int n) {
      if (n < 0) {
        finish();
        return;
      }
      done += n;
      long now = nanoTime.getAsLong();
      if (now - lastLine >= INTERVAL) {
        lastLine = now;
        reported = true;
        String of = total >= 0
            ? " of " + bytes(total) + String.format(Locale.ROOT, " (%d%%)", total == 0 ? 100 : done * 100 / total)
            : "";
        err.println(verb + " " + name + ": " + bytes(done) + of);
        err.flush();
      }
    }

    private void finish() {
      if (finished) {
        return;
      }
      finished = true;
      if (reported) {
        double seconds = (nanoTime.getAsLong() - start) / 1e9;
        err.println(verb + " " + name + ": " + bytes(done) + String.format(Locale.ROOT, " in %.1f s, done", seconds));
        err.flush();
      }
    }

    @Override
    public void close() throws IOException {
      if (total >= 0 && done >= total) {
        finish();
      }
      super.close();
    }
  }
}
