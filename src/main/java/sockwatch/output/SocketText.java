package sockwatch.output;

import sockwatch.decode.SocketNames;
import sockwatch.event.SocketContext;

/** The few words after "on fd N" that say what the socket was: "tcp 10.0.0.1:5432 -> 10.0.0.2:41000". */
final class SocketText {
    private SocketText() {
    }

    /** Appends nothing when the backend could not tell; only the kind when its endpoints are not known. */
    static void appendTo(StringBuilder out, SocketContext s) {
        if (!s.known()) {
            return;
        }
        if (!s.isSocket()) {
            out.append(" (not a socket)");
            return;
        }
        out.append(" (").append(SocketNames.netid(s));
        if (!s.isInet() || !s.endpointsKnown()) {
            out.append(')');
        } else if ("LISTEN".equals(SocketNames.tcpState(s))) {
            out.append(" listening on ").append(s.local()).append(')');
        } else if (s.local() == null && s.remote() == null) {
            out.append(", not bound yet)");
        } else {
            out.append(' ').append(s.local() == null ? "*" : s.local());
            if (s.remote() != null) {
                out.append(" -> ").append(s.remote());
            }
            out.append(')');
        }
    }
}
