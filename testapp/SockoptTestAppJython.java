///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.python:jython-standalone:2.7.4
//FILES sockopt_testapp.py
//JAVA_OPTIONS --enable-native-access=ALL-UNNAMED -Djava.net.preferIPv4Stack=true -XX:TieredStopAtLevel=1

/*
 * SockoptTestAppJython - runs sockopt_testapp.py under Jython 2.7.4, in this JVM.
 *
 * A target for sockwatch whose setsockopt calls come from Python code: the script's
 * client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1) goes through Jython's
 * Netty-based socket module down to the JDK and setsockopt(fd, SOL_TCP, TCP_NODELAY, [1]).
 * Arguments are passed on as sys.argv[1:]; see sockopt_testapp.py --help (under Jython only
 * --hold, --no-nodelay, --repeat and --keepalive are available). Output, the final
 * `sockwatch-testapp: ready` line and exit codes (2 for bad arguments) are the script's.
 *
 * The script is read from the classpath root: JBang puts it there via //FILES, and the
 * Maven build adds testapp/*.py as resources, so the same class works from `mvn test`.
 * IPv4 only (java.net.preferIPv4Stack), as in SockoptTestApp.java, so traces show
 * AF_INET sockets and no IPV6_V6ONLY noise. C1 only (TieredStopAtLevel=1): Jython start-up
 * is mostly cold code, this cuts it from about 2.1 s to 1.6 s here.
 *
 * Expect more TCP_NODELAY calls than the script makes: Netty (under Jython's sockets)
 * enables TCP_NODELAY itself on every TCP channel it creates, so an strace shows
 * setsockopt(fd, SOL_TCP, TCP_NODELAY, [1], 4) on the client before connect() and on the
 * accepted socket too, even with --no-nodelay. The script's own call is the one on the
 * client's fd after connect().
 */

import java.io.InputStream;
import java.util.Properties;

import org.python.core.Py;
import org.python.core.PyException;
import org.python.core.PyInteger;
import org.python.core.PyLong;
import org.python.core.PyObject;
import org.python.util.PythonInterpreter;

public class SockoptTestAppJython {

    static final String SCRIPT = "sockopt_testapp.py";

    public static void main(String[] args) throws Exception {
        if (System.getProperty("java.net.preferIPv4Stack") == null) {
            System.setProperty("java.net.preferIPv4Stack", "true"); // before any networking
        }

        // Must be in place before Jython initialises, or it scans jars ("*sys-package-mgr*:
        // processing new jar ...") into a cache dir and imports site.py, which is slow and noisy.
        Properties props = new Properties();
        props.setProperty("python.cachedir.skip", "true");
        props.setProperty("python.import.site", "false");
        props.setProperty("python.console.encoding", "UTF-8");
        props.setProperty("python.verbose", "warning");
        String[] argv = new String[args.length + 1];
        argv[0] = SCRIPT;
        System.arraycopy(args, 0, argv, 1, args.length);
        PythonInterpreter.initialize(System.getProperties(), props, argv);

        int status;
        try (InputStream script = SockoptTestAppJython.class.getResourceAsStream("/" + SCRIPT)) {
            if (script == null) {
                System.err.println("sockwatch-testapp: error: " + SCRIPT + " is not on the classpath");
                System.exit(1);
                return;
            }
            PythonInterpreter python = new PythonInterpreter();
            try {
                python.set("__name__", "__main__");
                python.execfile(script, SCRIPT);
                status = 0;
            } catch (PyException e) {
                status = exitStatus(e);
            } finally {
                python.cleanup(); // flushes sys.stdout / sys.stderr
            }
        }
        System.exit(status);
    }

    /** What CPython's interpreter would exit with for this exception. */
    static int exitStatus(PyException e) {
        if (!e.match(Py.SystemExit)) {
            Py.printException(e);
            return 1;
        }
        PyObject code = e.value == null ? Py.None : e.value.__findattr__("code");
        if (code == null) {
            code = e.value;
        }
        if (code == Py.None) {
            return 0;
        }
        if (code instanceof PyInteger || code instanceof PyLong) {
            return code.asInt();
        }
        Py.getSystemState().stderr.invoke("write", Py.newString(code + "\n"));
        return 1;
    }
}
