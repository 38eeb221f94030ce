package sockwatch.output;

import sockwatch.decode.SocketNames;
import sockwatch.event.SocketContext;

/** The few words after "on fd N" that say what the socket was: "tcp 10.0.0.1:5432 -> 10.0.0.2:41000". */
final class SocketText {
    private SocketText() {
    }

    /** Empty when the backend could not tell. */
    static String of(SocketContext s) {
        if (!s.known()) {
            return "";
        }
        if (!s.isSocket()) {
            return " (not a socket)";
        }
        String netid = SocketNames.netid(s);
        if (!s.isInet()) {
            return " (" + netid + ")";
        }
        if ("LISTEN".equals(SocketNames.tcpState(s))) {
            return " (" + netid + " listening on " + s.local() + ")";
        }
        if (s.local() == null && s.remote() == null) {
            return " (" + netid + ", not bound yet)";
        }
        return " (" + netid + " " + (s.local() == null ? "*" : s.local())
                + (s.remote() == null ? "" : " -> " + s.remote()) + ")";
    }
}
