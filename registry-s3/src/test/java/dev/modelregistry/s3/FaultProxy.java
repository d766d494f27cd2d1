package dev.modelregistry.s3;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/1.1 proxy between an S3 client and an S3 server, at the socket level, for tests: it counts
 * every request and the bytes of every answer, and injects faults on chosen requests (an S3 error answer,
 * a connection cut mid-body, a stall, a reset, an answer lost after the server acted), or refuses
 * connections altogether while it is {@linkplain #down() down}. Thread-safe.
 *
 * <p>It also makes conditional writes atomic: S3Proxy checks {@code If-Match} on PUT with a read then a
 * write (non-atomically), where S3 checks and writes as one step. The proxy holds a per-key lock from a
 * conditional PUT's arrival to its answer, so clients through it see S3's semantics.
 *
 * <p>Requests are forwarded byte for byte (the signature covers them), except {@code Expect:
 * 100-continue}, which the proxy answers itself and does not forward; it is not signed.
 */
final class FaultProxy implements AutoCloseable {

  /** One request as the proxy saw it. */
  record Request(String method, String key, String query, List<String[]> headers, int headBytes) {

    /** A header's value, or null. */
    @Nullable String header(String name) {
      for (String[] header : headers) {
        if (header[0].equalsIgnoreCase(name)) {
          return header[1];
        }
      }
      return null;
    }

    boolean isGet(String keySuffix) {
      return method.equals("GET") && key.endsWith(keySuffix) && !query.contains("list-type");
    }

    boolean isList() {
      return method.equals("GET") && query.contains("list-type=2");
    }

    boolean isConditionalWrite() {
      return (method.equals("PUT") || method.equals("POST"))
          && (header("If-Match") != null || header("If-None-Match") != null);
    }
  }

  /**
   * One request and what came of it.
   *
   * @param request the request
   * @param status the status the client got, or 0 if it got none (cut, reset, stalled)
   * @param requestBodyBytes body bytes the client sent
   * @param responseBodyBytes body bytes the client received
   * @param responseHeaderBytes header bytes the client received
   * @param fault the fault injected, or null
   */
  record Exchange(Request request, int status, long requestBodyBytes, long responseBodyBytes,
      long responseHeaderBytes, @Nullable String fault) {}

  /** What to do to a request. */
  sealed interface Fault {
    /** Answers with an S3 error document and this status and code, without forwarding. */
    record Respond(int status, String code) implements Fault {}
    /** Forwards, then closes the connection after this many bytes of the answer's body. */
    record CutBody(long afterBytes) implements Fault {}
    /** Holds the request without an answer for this long, then closes the connection. */
    record Stall(Duration duration) implements Fault {}
    /** Closes the connection without an answer. */
    record Reset() implements Fault {}
    /** Forwards the request, so the server acts on it, but loses the answer and closes the connection. */
    record LoseAnswer() implements Fault {}
    /** Runs an action first (another writer's write, say), then forwards the request. */
    record ActFirst(Runnable action) implements Fault {}
  }

  private static final class Rule {
    final Predicate<Request> which;
    final Fault fault;
    int remaining;

    Rule(Predicate<Request> which, Fault fault, int times) {
      this.which = which;
      this.fault = fault;
      this.remaining = times;
    }
  }

  private final String upstreamHost;
  private final int upstreamPort;
  private final String bucketPath;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final List<Rule> rules = new ArrayList<>();
  private final ConcurrentHashMap<String, ReentrantLock> keyLocks = new ConcurrentHashMap<>();
  private volatile @Nullable ServerSocket server;
  private volatile boolean closed;
  private int port;

  /** A proxy to {@code upstream} for {@code bucket}, listening once {@link #up()} is called. */
  FaultProxy(URI upstream, String bucket) {
    this.upstreamHost = upstream.getHost();
    this.upstreamPort = upstream.getPort();
    this.bucketPath = "/" + bucket + "/";
  }

  /** Starts a proxy to {@code upstream}. */
  static FaultProxy start(URI upstream, String bucket) throws IOException {
    FaultProxy proxy = new FaultProxy(upstream, bucket);
    proxy.up();
    return proxy;
  }

  /** The address clients should use. */
  URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Listens (again, on the same port after {@link #down()}). */
  synchronized void up() throws IOException {
    if (server != null) {
      return;
    }
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    port = socket.getLocalPort();
    server = socket;
    threads.execute(() -> accept(socket));
  }

  /** Stops listening and drops every open connection: clients get "connection refused" until {@link #up()}. */
  synchronized void down() throws IOException {
    ServerSocket socket = server;
    server = null;
    if (socket != null) {
      socket.close();
    }
    dropConnections();
  }

  /** Drops every open connection (clients see a reset), but keeps listening. */
  void dropConnections() {
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  /** Injects {@code fault} into the next {@code times} requests that match {@code which}. */
  synchronized void inject(Predicate<Request> which, Fault fault, int times) {
    rules.add(new Rule(which, fault, times));
  }

  /** Injects {@code fault} into every request that matches {@code which}, until {@link #clearFaults()}. */
  void injectAlways(Predicate<Request> which, Fault fault) {
    inject(which, fault, Integer.MAX_VALUE);
  }

  /** Removes every fault rule. */
  synchronized void clearFaults() {
    rules.clear();
  }

  /** Every exchange so far, in the order they began. */
  List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /** The exchanges whose request matches. */
  List<Exchange> exchanges(Predicate<Request> which) {
    return exchanges.stream().filter(e -> which.test(e.request())).toList();
  }

  /** Forgets the exchanges so far. */
  void resetCounts() {
    exchanges.clear();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    down();
    threads.shutdownNow();
  }

  // ------------------------------------------------------------------ connections

  private void accept(ServerSocket socket) {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        synchronized (this) {
          if (server != socket) {
            // accept() can still return a connection after close(): the close of a listening socket that
            // a thread waits on completes only once that thread wakes. Down means no connection is served.
            closeQuietly(client);
            return;
          }
          open.add(client);
        }
        client.setTcpNoDelay(true);
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        return; // closed by down()
      }
    }
  }

  /** The connection to the server that serves one client connection. */
  private static final class Upstream {
    @Nullable Socket socket;
    @Nullable InputStream in;
  }

  private void serve(Socket client) {
    Upstream upstream = new Upstream();
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      // Buffered, and flushed only once an exchange is recorded: a client never sees an answer before the
      // counts include it.
      OutputStream out = new BufferedOutputStream(client.getOutputStream(), 64 * 1024);
      while (!closed) {
        byte[] head = readHead(in);
        if (head == null) {
          return;
        }
        List<String> lines = lines(head);
        String[] requestLine = lines.get(0).split(" ", 3);
        List<String[]> headers = headers(lines);
        Request request = request(requestLine[0], requestLine[1], headers, head.length);
        if ("100-continue".equalsIgnoreCase(request.header("Expect"))) {
          out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(ISO_8859_1));
          out.flush();
        }
        byte[] body = readBody(in, request);
        Fault fault = decide(request);
        if (fault instanceof Fault.Respond respond) {
          byte[] answer = errorAnswer(respond);
          record(request, respond.status(), body.length, 0, answer.length, fault);
          out.write(answer);
          out.flush();
          continue;
        }
        if (fault instanceof Fault.Reset) {
          record(request, 0, body.length, 0, 0, fault);
          return;
        }
        if (fault instanceof Fault.Stall stall) {
          record(request, 0, body.length, 0, 0, fault);
          Thread.sleep(stall.duration().toMillis());
          return;
        }
        if (fault instanceof Fault.ActFirst act) {
          act.action().run();
        }
        if (fault instanceof Fault.LoseAnswer) {
          forward(upstream, lines, body, request, OutputStream.nullOutputStream(), fault);
          return;
        }
        ReentrantLock lock = request.isConditionalWrite()
            ? keyLocks.computeIfAbsent(request.key(), k -> new ReentrantLock())
            : null;
        if (lock != null) {
          lock.lock();
        }
        boolean keepOpen;
        try {
          keepOpen = forward(upstream, lines, body, request, out, fault);
        } finally {
          if (lock != null) {
            lock.unlock();
          }
        }
        if (!keepOpen) {
          return;
        }
      }
    } catch (IOException e) {
      // the client or the server went away; the connection ends
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(client);
      disconnect(upstream);
    }
  }

  /**
   * Sends the request to the server and relays its answer; returns whether both connections may carry
   * another request. A request that finds a reused server connection closed is sent again on a new one, as
   * a proxy does: the server never saw it.
   */
  private boolean forward(Upstream upstream, List<String> lines, byte[] body, Request request, OutputStream out,
      @Nullable Fault fault) throws IOException {
    for (int attempt = 1; ; attempt++) {
      boolean reused = upstream.socket != null;
      byte[] head;
      try {
        if (upstream.socket == null) {
          Socket socket = new Socket(upstreamHost, upstreamPort);
          socket.setSoTimeout(120_000);
          socket.setTcpNoDelay(true);
          open.add(socket);
          upstream.socket = socket;
          upstream.in = new BufferedInputStream(socket.getInputStream());
        }
        OutputStream toServer = upstream.socket.getOutputStream();
        toServer.write(forwardedHead(lines));
        toServer.write(body);
        toServer.flush();
        head = readHead(upstream.in);
        if (head == null) {
          throw new EOFException("the server closed the connection");
        }
      } catch (IOException e) {
        disconnect(upstream);
        if (reused && attempt == 1) {
          continue;
        }
        throw e;
      }
      boolean keepOpen = relayAnswer(head, upstream.in, out, request, body.length,
          fault instanceof Fault.CutBody cut ? cut.afterBytes() : -1, fault);
      if (!keepOpen) {
        disconnect(upstream);
      }
      return keepOpen;
    }
  }

  private void disconnect(Upstream upstream) {
    if (upstream.socket != null) {
      open.remove(upstream.socket);
      closeQuietly(upstream.socket);
    }
    upstream.socket = null;
    upstream.in = null;
  }

  /** Relays the server's answer; returns whether both connections may carry another request. */
  private boolean relayAnswer(byte[] head, InputStream fromServer, OutputStream out, Request request,
      long requestBytes, long cutAfter, @Nullable Fault fault) throws IOException {
    List<String> lines = lines(head);
    int status = Integer.parseInt(lines.get(0).split(" ", 3)[1]);
    List<String[]> headers = headers(lines);
    out.write(head);
    boolean noBody = request.method().equals("HEAD") || status == 204 || status == 304 || status < 200;
    String length = value(headers, "Content-Length");
    boolean chunked = "chunked".equalsIgnoreCase(value(headers, "Transfer-Encoding"));
    long relayed;
    if (noBody) {
      relayed = 0;
    } else if (chunked) {
      relayed = relayChunked(fromServer, out, cutAfter);
    } else if (length != null) {
      relayed = relayExactly(fromServer, out, Long.parseLong(length.trim()), cutAfter);
    } else {
      relayed = relayExactly(fromServer, out, Long.MAX_VALUE, cutAfter);
    }
    boolean cut = cutAfter >= 0 && relayed >= cutAfter && !noBody;
    record(request, cut ? 0 : status, requestBytes, relayed, head.length, fault);
    out.flush();
    boolean close = "close".equalsIgnoreCase(value(headers, "Connection")) || (length == null && !chunked && !noBody);
    return !cut && !close;
  }

  private static long relayExactly(InputStream in, OutputStream out, long length, long cutAfter) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    long done = 0;
    while (done < length) {
      long want = Math.min(buffer.length, length - done);
      if (cutAfter >= 0) {
        want = Math.min(want, cutAfter - done);
        if (want <= 0) {
          return done;
        }
      }
      int n = in.read(buffer, 0, (int) want);
      if (n < 0) {
        if (length == Long.MAX_VALUE) {
          return done;
        }
        throw new EOFException("the server's answer ended early");
      }
      out.write(buffer, 0, n);
      done += n;
    }
    return done;
  }

  private static long relayChunked(InputStream in, OutputStream out, long cutAfter) throws IOException {
    long done = 0;
    while (true) {
      String sizeLine = readLine(in);
      out.write((sizeLine + "\r\n").getBytes(ISO_8859_1));
      long size = Long.parseLong(sizeLine.split(";", 2)[0].trim(), 16);
      if (size == 0) {
        String trailer;
        do {
          trailer = readLine(in);
          out.write((trailer + "\r\n").getBytes(ISO_8859_1));
        } while (!trailer.isEmpty());
        return done;
      }
      long relayed = relayExactly(in, out, size, cutAfter < 0 ? -1 : cutAfter - done);
      done += relayed;
      if (relayed < size) {
        return done;
      }
      out.write(readLine(in).getBytes(ISO_8859_1));
      out.write("\r\n".getBytes(ISO_8859_1));
    }
  }

  private synchronized @Nullable Fault decide(Request request) {
    for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
      Rule rule = it.next();
      if (rule.remaining > 0 && rule.which.test(request)) {
        if (rule.remaining != Integer.MAX_VALUE) {
          rule.remaining--;
        }
        return rule.fault;
      }
    }
    return null;
  }

  private void record(Request request, int status, long requestBytes, long responseBytes, long headerBytes,
      @Nullable Fault fault) {
    exchanges.add(new Exchange(request, status, requestBytes, responseBytes, headerBytes,
        fault == null ? null : fault.toString()));
  }

  // ------------------------------------------------------------------ HTTP parsing

  private Request request(String method, String target, List<String[]> headers, int headBytes) {
    int q = target.indexOf('?');
    String rawPath = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q + 1);
    String path = URI.create("http://proxy" + rawPath).getPath();
    String key = path.startsWith(bucketPath) ? path.substring(bucketPath.length()) : path;
    return new Request(method, key, query, headers, headBytes);
  }

  private static byte @Nullable [] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        if (head.size() == 0) {
          return null;
        }
        throw new EOFException("the connection ended inside a message head");
      }
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1
          : (b == '\r' ? 1 : 0);
      if (head.size() > 64 * 1024) {
        throw new IOException("message head too large");
      }
    }
    return head.toByteArray();
  }

  private static byte[] readBody(InputStream in, Request request) throws IOException {
    String length = request.header("Content-Length");
    if ("chunked".equalsIgnoreCase(request.header("Transfer-Encoding"))) {
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      relayChunked(in, raw, -1);
      return raw.toByteArray();
    }
    return length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length.trim()));
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new EOFException("the connection ended inside a line");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  private static List<String> lines(byte[] head) {
    String text = new String(head, ISO_8859_1);
    List<String> lines = new ArrayList<>(List.of(text.split("\r\n")));
    lines.removeIf(String::isEmpty);
    return lines;
  }

  private static List<String[]> headers(List<String> lines) {
    List<String[]> headers = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
      }
    }
    return headers;
  }

  private static @Nullable String value(List<String[]> headers, String name) {
    for (String[] header : headers) {
      if (header[0].equalsIgnoreCase(name)) {
        return header[1];
      }
    }
    return null;
  }

  /** The request head as forwarded: unchanged but for {@code Expect}, which the proxy has answered. */
  private static byte[] forwardedHead(List<String> lines) {
    StringBuilder head = new StringBuilder();
    for (String line : lines) {
      if (!line.toLowerCase(Locale.ROOT).startsWith("expect:")) {
        head.append(line).append("\r\n");
      }
    }
    return head.append("\r\n").toString().getBytes(ISO_8859_1);
  }

  private static byte[] errorAnswer(Fault.Respond respond) {
    byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + respond.code()
        + "</Code><Message>injected by the test proxy</Message><RequestId>FAULT" + respond.status()
        + "</RequestId></Error>").getBytes(UTF_8);
    String head = "HTTP/1.1 " + respond.status() + " " + respond.code() + "\r\n"
        + "Content-Type: application/xml\r\n"
        + "x-amz-request-id: FAULT" + respond.status() + "\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n";
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    answer.writeBytes(head.getBytes(ISO_8859_1));
    answer.writeBytes(body);
    return answer.toByteArray();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
