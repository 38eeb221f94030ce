///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -Djava.net.preferIPv4Stack=true

/*
 * SockoptTestApp - a known target for sockwatch.
 *
 * Opens a TCP listener on 127.0.0.1 (ephemeral port), connects a client socket to it,
 * accepts, then sets socket options on the CLIENT socket through the plain JDK API:
 *
 *   (default)         TCP_NODELAY=1   Socket.setTcpNoDelay(true) = setsockopt(IPPROTO_TCP, TCP_NODELAY, 1)
 *   --keepalive       SO_KEEPALIVE=1  Socket.setKeepAlive(true)
 *   --keepidle N      TCP_KEEPIDLE=N  jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE (seconds)
 *   --keepintvl N     TCP_KEEPINTVL=N jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL (seconds)
 *   --keepcnt N       TCP_KEEPCNT=N   jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT
 *   --linger N        SO_LINGER       Socket.setSoLinger(true, N) = struct linger {1, N}
 *   --tos N           IP_TOS=N        Socket.setTrafficClass(N) (0..255, 0x.. accepted)
 *
 * It prints one line per option set, then `sockwatch-testapp: ready` (always the last line,
 * flushed: a harness waits for it) and sleeps until killed, or for --hold SECONDS and then
 * exits 0. Bad arguments: one error line on stderr, exit 2.
 *
 * No dependencies, so it also runs as `java SockoptTestApp.java ...` or from the Maven test
 * classpath. TCP_CORK and TCP_CONGESTION have no JDK API: sockopt_testapp.py sets them when
 * run by CPython (Jython cannot either).
 *
 * IPv4 on purpose: on a dual-stack host the JDK opens AF_INET6 sockets by default, and then
 * setTrafficClass() becomes setsockopt(SOL_IPV6, IPV6_TCLASS) instead of IP_TOS and every
 * socket also gets IPV6_V6ONLY=0. So java.net.preferIPv4Stack=true is set (JAVA_OPTIONS
 * above for JBang; main() sets it too when nothing set it, which works because it is read
 * when the JDK's networking library loads, i.e. on first socket use). The JDK still sets
 * SO_REUSEADDR on the listener by itself; everything else in an strace of this program's
 * setsockopt calls (on the client's fd) is what the flags asked for.
 */

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;

import jdk.net.ExtendedSocketOptions;

public class SockoptTestApp {

    static final String PREFIX = "sockwatch-testapp: ";

    static final String USAGE = String.join("\n",
            "Usage: SockoptTestApp [options]",
            "Connects a loopback TCP client, sets socket options on it, prints what it set,",
            "prints 'sockwatch-testapp: ready', then sleeps until killed or --hold elapses.",
            "",
            "  --hold SECONDS    exit 0 after SECONDS (default: sleep until killed)",
            "  --no-nodelay      do not set TCP_NODELAY",
            "  --repeat N        set TCP_NODELAY=1 N times (default 1)",
            "  --keepalive       set SO_KEEPALIVE=1",
            "  --keepidle N      set TCP_KEEPIDLE=N (seconds)",
            "  --keepintvl N     set TCP_KEEPINTVL=N (seconds)",
            "  --keepcnt N       set TCP_KEEPCNT=N",
            "  --linger N        set SO_LINGER {l_onoff=1, l_linger=N} (seconds)",
            "  --tos N           set IP_TOS=N (0..255; 0x.. accepted)",
            "  -h, --help        show this help",
            "",
            "TCP_CORK and TCP_CONGESTION have no JDK API: use sockopt_testapp.py under CPython.");

    /** Thrown for bad command-line arguments: one line, exit code 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** Parsed command line; null/0 = not requested. */
    static final class Options {
        long holdSeconds = -1; // -1 = forever
        boolean nodelay = true;
        int repeat = 1;
        boolean repeatGiven;
        boolean keepalive;
        Integer keepidle;
        Integer keepintvl;
        Integer keepcnt;
        Integer linger;
        Integer tos;
        boolean help;
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("java.net.preferIPv4Stack") == null) {
            System.setProperty("java.net.preferIPv4Stack", "true"); // before any networking
        }
        Options opts;
        try {
            opts = parse(args);
        } catch (UsageException e) {
            System.err.println(PREFIX + "error: " + e.getMessage() + " (see --help)");
            System.exit(2);
            return;
        }
        if (opts.help) {
            System.out.println(USAGE);
            return;
        }
        try {
            run(opts, System.out);
        } catch (IOException | RuntimeException e) {
            System.err.println(PREFIX + "error: " + e);
            System.exit(1);
        }
    }

    static Options parse(String[] args) throws UsageException {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String inlineValue = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inlineValue = arg.substring(eq + 1);
            }
            switch (name) {
                case "-h", "--help" -> o.help = true;
                case "--no-nodelay" -> o.nodelay = false;
                case "--keepalive" -> o.keepalive = true;
                case "--hold", "--repeat", "--keepidle", "--keepintvl", "--keepcnt", "--linger", "--tos" -> {
                    String value;
                    if (inlineValue != null) {
                        value = inlineValue;
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new UsageException(name + " needs a value");
                    }
                    switch (name) {
                        case "--hold" -> o.holdSeconds = number(name, value, 0, Long.MAX_VALUE / 1000);
                        case "--repeat" -> {
                            o.repeat = (int) number(name, value, 1, 1_000_000);
                            o.repeatGiven = true;
                        }
                        case "--keepidle" -> o.keepidle = (int) number(name, value, 1, 32767);
                        case "--keepintvl" -> o.keepintvl = (int) number(name, value, 1, 32767);
                        case "--keepcnt" -> o.keepcnt = (int) number(name, value, 1, 127);
                        case "--linger" -> o.linger = (int) number(name, value, 0, 65535);
                        case "--tos" -> o.tos = (int) number(name, value, 0, 255);
                        default -> throw new AssertionError(name);
                    }
                }
                default -> {
                    if (inlineValue != null && (name.equals("--no-nodelay") || name.equals("--keepalive"))) {
                        throw new UsageException(name + " takes no value");
                    }
                    if (name.equals("--cork") || name.equals("--congestion")) {
                        throw new UsageException(name + " has no JDK API; use sockopt_testapp.py under CPython");
                    }
                    throw new UsageException("unknown argument '" + arg + "'");
                }
            }
        }
        if (!o.nodelay && o.repeatGiven) {
            throw new UsageException("--repeat repeats TCP_NODELAY, which --no-nodelay turns off");
        }
        return o;
    }

    static long number(String name, String value, long min, long max) throws UsageException {
        long n;
        try {
            n = name.equals("--tos") ? Long.decode(value) : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs an integer, got '" + value + "'");
        }
        if (n < min || n > max) {
            throw new UsageException(name + " must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    static void run(Options o, PrintStream out) throws IOException {
        long pid = ProcessHandle.current().pid();
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket listener = new ServerSocket(0, 1, loopback);
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress(loopback, listener.getLocalPort()), 5000);
            try (Socket accepted = listener.accept()) {
                String where = " on client socket "
                        + client.getLocalAddress().getHostAddress() + ":" + client.getLocalPort()
                        + " -> " + client.getInetAddress().getHostAddress() + ":" + client.getPort();
                // One line per setsockopt, printed right after it succeeded.
                Consumer<String> done = option -> out.println(PREFIX + "pid " + pid + ": set " + option + where);

                if (o.nodelay) {
                    for (int i = 0; i < o.repeat; i++) {
                        client.setTcpNoDelay(true);
                        done.accept("TCP_NODELAY=1");
                    }
                }
                if (o.keepalive) {
                    client.setKeepAlive(true);
                    done.accept("SO_KEEPALIVE=1");
                }
                if (o.keepidle != null) {
                    client.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, o.keepidle);
                    done.accept("TCP_KEEPIDLE=" + o.keepidle);
                }
                if (o.keepintvl != null) {
                    client.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, o.keepintvl);
                    done.accept("TCP_KEEPINTVL=" + o.keepintvl);
                }
                if (o.keepcnt != null) {
                    client.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, o.keepcnt);
                    done.accept("TCP_KEEPCNT=" + o.keepcnt);
                }
                if (o.linger != null) {
                    client.setSoLinger(true, o.linger);
                    done.accept("SO_LINGER={l_onoff=1,l_linger=" + o.linger + "}");
                }
                if (o.tos != null) {
                    client.setTrafficClass(o.tos);
                    done.accept("IP_TOS=" + o.tos);
                }

                // Only now, after every option was set, the line the harness waits for.
                out.println(PREFIX + "pid " + pid + ": sleeping "
                        + (o.holdSeconds < 0 ? "until killed" : "for " + o.holdSeconds + " s"));
                out.println(PREFIX + "ready");
                out.flush();

                sleep(o.holdSeconds);
            }
        }
    }

    static void sleep(long holdSeconds) {
        long deadline = holdSeconds < 0 ? Long.MAX_VALUE : System.nanoTime() + holdSeconds * 1_000_000_000L;
        while (true) {
            long left = holdSeconds < 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 60_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
