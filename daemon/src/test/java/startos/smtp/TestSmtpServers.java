package startos.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import startos.ssl.KeyAlgorithm;
import startos.ssl.LeafCertificate;
import startos.ssl.LocalCa;

/**
 * SMTP servers for the tests, on loopback: a TLS front (implicit TLS, or STARTTLS spoken by the
 * front itself) relaying to GreenMail's plain SMTP port, since GreenMail offers SMTPS but no
 * STARTTLS; a server that records every line and offers no STARTTLS (a downgrading middlebox); a
 * server that accepts and never speaks.
 */
final class TestSmtpServers {
  private TestSmtpServers() {}

  /** A CA of the test's own and a server TLS context with a leaf for {@code names}. */
  record Tls(LocalCa ca, SSLContext server) {
    static Tls forNames(String... names) {
      return forNames(LocalCa.create("smtp-test", Instant.now()), names);
    }

    /** Another leaf from the same CA. */
    static Tls forNames(LocalCa ca, String... names) {
      try {
        LeafCertificate leaf = ca.issueLeaf(Set.of(names), KeyAlgorithm.ECDSA);
        char[] pw = "pw".toCharArray();
        KeyStore store = leaf.toKeyStore("smtp", pw);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(store, pw);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return new Tls(ca, context);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    SmtpTrust trust() {
      return SmtpTrust.only(List.of(ca.root()));
    }
  }

  enum Mode {
    IMPLICIT,
    STARTTLS
  }

  /** Reads one line byte by byte (no read-ahead: TLS may start right after it); null at EOF. */
  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        return line.toString(StandardCharsets.UTF_8).stripTrailing();
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }

  static void write(OutputStream out, String lines) throws IOException {
    out.write(lines.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** An accept loop on 127.0.0.1 handing each connection to {@code handler}. */
  abstract static class Server implements AutoCloseable {
    final ServerSocket listener;

    Server() throws IOException {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual()
          .start(() -> {
            while (!listener.isClosed()) {
              try {
                Socket s = listener.accept();
                Thread.ofVirtual()
                    .start(() -> {
                      try (s) {
                        handle(s);
                      } catch (IOException e) {
                        // the client went away
                      }
                    });
              } catch (IOException e) {
                return;
              }
            }
          });
    }

    int port() {
      return listener.getLocalPort();
    }

    abstract void handle(Socket client) throws IOException;

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  /** TLS in front of a plain SMTP server (GreenMail). */
  static final class TlsFront extends Server {
    private final Mode mode;
    private final SSLContext tls;
    private final int backendPort;

    TlsFront(Mode mode, SSLContext tls, int backendPort) throws IOException {
      this.mode = mode;
      this.tls = tls;
      this.backendPort = backendPort;
    }

    @Override
    void handle(Socket client) throws IOException {
      if (mode == Mode.STARTTLS && !starttls(client)) {
        return;
      }
      SSLSocket secure =
          (SSLSocket)
              tls.getSocketFactory()
                  .createSocket(
                      client, client.getInetAddress().getHostAddress(), client.getPort(), false);
      secure.setUseClientMode(false);
      secure.startHandshake();
      try (Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
        if (mode == Mode.STARTTLS) {
          // after STARTTLS the client sends EHLO again and expects no second greeting
          readLine(backend.getInputStream());
        }
        Thread up =
            Thread.ofVirtual()
                .start(() -> {
                  try {
                    secure.getInputStream().transferTo(backend.getOutputStream());
                  } catch (IOException e) {
                    // closed
                  }
                });
        try {
          backend.getInputStream().transferTo(secure.getOutputStream());
        } catch (IOException e) {
          // closed
        }
        secure.close();
        up.interrupt();
      }
    }

    /** The plain part: greeting, EHLO offering STARTTLS, STARTTLS. False when the client left. */
    private static boolean starttls(Socket client) throws IOException {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      write(out, "220 front.test ESMTP\r\n");
      String line;
      while ((line = readLine(in)) != null) {
        String verb = line.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
        switch (verb) {
          case "EHLO" -> write(out, "250-front.test\r\n250 STARTTLS\r\n");
          case "HELO" -> write(out, "250 front.test\r\n");
          case "STARTTLS" -> {
            write(out, "220 ready to start TLS\r\n");
            return true;
          }
          case "QUIT" -> {
            write(out, "221 bye\r\n");
            return false;
          }
          default -> write(out, "530 issue STARTTLS first\r\n");
        }
      }
      return false;
    }
  }

  /**
   * Plain SMTP without STARTTLS that records every line a client sends and accepts any login: what
   * a client that falls back to plain text would hand to anyone on the path.
   */
  static final class Recording extends Server {
    final List<String> lines = new CopyOnWriteArrayList<>();
    volatile int connections;

    Recording() throws IOException {}

    @Override
    void handle(Socket client) throws IOException {
      connections++;
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      write(out, "220 recording.test ESMTP\r\n");
      String line;
      boolean data = false;
      while ((line = readLine(in)) != null) {
        lines.add(line);
        if (data) {
          if (line.equals(".")) {
            data = false;
            write(out, "250 queued\r\n");
          }
          continue;
        }
        String verb = line.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
        switch (verb) {
          case "EHLO" -> write(out, "250-recording.test\r\n250 AUTH PLAIN LOGIN\r\n");
          case "AUTH" -> write(out, "235 accepted\r\n");
          case "DATA" -> {
            data = true;
            write(out, "354 go on\r\n");
          }
          case "QUIT" -> {
            write(out, "221 bye\r\n");
            return;
          }
          default -> write(out, "250 ok\r\n");
        }
      }
    }
  }

  /** Accepts connections and never says anything: a wrong port or a stuck server. */
  static final class Silent extends Server {
    Silent() throws IOException {}

    @Override
    void handle(Socket client) throws IOException {
      client.getInputStream().transferTo(OutputStream.nullOutputStream());
    }
  }
}
