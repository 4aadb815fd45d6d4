package cairn.kafka;

import java.util.ArrayList;
import java.util.List;

/**
 * The smallest test runner: each test is a named sentence and a body that throws on failure. Ends
 * with the plain line "N passed, N failed" and exit status 1 when any failed.
 */
final class Checks {
  interface Body {
    void run() throws Exception;
  }

  private final List<String> failed = new ArrayList<>();
  private int passed;

  void test(String name, Body body) {
    long start = System.nanoTime();
    try {
      body.run();
      ++passed;
      System.out.printf("[ OK ] %s (%d ms)%n", name, (System.nanoTime() - start) / 1_000_000);
    } catch (Throwable t) {
      failed.add(name);
      System.out.printf("[FAIL] %s: %s%n", name, t);
      t.printStackTrace(System.out);
    }
  }

  static void check(boolean condition, String what) {
    if (!condition) throw new AssertionError(what);
  }

  static void equal(Object expected, Object actual, String what) {
    if (!expected.equals(actual)) {
      throw new AssertionError(what + ": expected " + expected + ", got " + actual);
    }
  }

  int finish() {
    System.out.printf("%d passed, %d failed%n", passed, failed.size());
    return failed.isEmpty() ? 0 : 1;
  }
}
