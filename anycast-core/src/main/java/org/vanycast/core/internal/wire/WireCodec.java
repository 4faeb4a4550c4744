package org.vanycast.core.internal.wire;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.vanycast.core.spi.SocketState;

/**
 * Encodes and decodes {@link NodeMessage}s. Every frame:
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |   'V' (0x56)  |   'A' (0x41)  |  version (1)  |     type      |
 *  +---------------+---------------+---------------+---------------+
 *  |                      body length (bytes)                      |
 *  +---------------------------------------------------------------+
 *  |                     body (see each message)                   |
 * </pre>
 *
 * All integers big-endian. Decoding checks every length against what is left and throws
 * {@link MalformedMessageException} naming the field; it never reads past the frame.
 */
public final class WireCodec {
    public static final int MAGIC = 0x5641;
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 8;
    /** Socket state with full queues is ~400 kB; 16 MiB leaves room and bounds memory per frame. */
    public static final int MAX_BODY_BYTES = 16 << 20;

    private WireCodec() {
    }

    public static byte[] encode(NodeMessage m) {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream(128);
            DataOutputStream out = new DataOutputStream(body);
            out.writeLong(m.handoffId());
            if (m instanceof Prepare p) {
                writeAddress(out, p.logicalAddress());
                writeSocketAddress(out, p.client());
                out.writeInt((int) p.initTimeoutMillis());
            } else if (m instanceof Init i) {
                out.write(i.nonce());
                out.writeLong(i.timestampMillis());
                out.writeShort(i.mipv6Sequence());
                writeAddress(out, i.logicalAddress());
                out.writeShort(i.connections().size());
                for (Init.Migrated mc : i.connections()) {
                    SocketState s = mc.socketState();
                    writeSocketAddress(out, s.local());
                    writeSocketAddress(out, s.remote());
                    writeBytes(out, s.encoded());
                    writeBytes(out, mc.appState());
                }
            } else if (m instanceof StateAhead a) {
                out.writeShort(a.states().size());
                for (StateAhead.Entry e : a.states()) {
                    out.writeShort(e.localPort());
                    writeBytes(out, e.appState());
                }
            } else if (m instanceof Done d) {
                out.writeShort(d.sequenceUsed());
                out.writeLong(d.recreateNanos());
                out.writeLong(d.redirectNanos());
                out.writeLong(d.activateNanos());
            } else if (m instanceof HandoffRequest r) {
                writeSocketAddress(out, r.client());
                byte[] name = r.acceptor().orElse("").getBytes(StandardCharsets.UTF_8);
                out.writeByte(name.length);
                out.write(name);
            } else if (m instanceof HandoffReply r) {
                out.writeByte(r.completed() ? 1 : 0);
                byte[] text = r.text().getBytes(StandardCharsets.UTF_8);
                out.writeShort(text.length);
                out.write(text);
            } else if (m instanceof Abort a) {
                out.writeByte(a.reason().code());
                out.writeByte(a.bindingMoved() ? 1 : 0);
                out.writeShort(a.sequenceUsed());
                byte[] text = a.message().getBytes(StandardCharsets.UTF_8);
                out.writeShort(text.length);
                out.write(text);
            }
            out.flush();
            if (body.size() > MAX_BODY_BYTES) {
                throw new IllegalArgumentException(m.type() + " body of " + body.size() + " bytes exceeds " + MAX_BODY_BYTES);
            }
            ByteArrayOutputStream frame = new ByteArrayOutputStream(HEADER_BYTES + body.size());
            DataOutputStream f = new DataOutputStream(frame);
            f.writeShort(MAGIC);
            f.writeByte(VERSION);
            f.writeByte(m.type().code());
            f.writeInt(body.size());
            body.writeTo(f);
            return frame.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory write failed", e);
        }
    }

    /**
     * Reads the header of a frame and returns its body length.
     *
     * @param header at least {@link #HEADER_BYTES} bytes
     */
    public static int bodyLength(byte[] header) throws MalformedMessageException {
        WireReader r = new WireReader(header, 0, Math.min(header.length, HEADER_BYTES));
        checkHeader(r);
        r.u8("type");
        long length = r.u32("body length");
        if (length > MAX_BODY_BYTES) {
            throw new MalformedMessageException("body length " + length + " exceeds " + MAX_BODY_BYTES, 4);
        }
        return (int) length;
    }

    /** Decodes one complete frame (header and body, nothing after it). */
    public static NodeMessage decode(byte[] frame) throws MalformedMessageException {
        WireReader r = new WireReader(frame, 0, frame.length);
        checkHeader(r);
        MessageType type = MessageType.valueOf(r.u8("type"));
        long length = r.u32("body length");
        if (length != r.remaining()) {
            throw new MalformedMessageException("body length " + length + " but " + r.remaining() + " bytes follow", 4);
        }
        if (!type.isKnown()) {
            throw new MalformedMessageException("unknown message type " + type.code(), 3);
        }
        long id = r.i64("handoff id");
        NodeMessage m = switch (type.code()) {
            case 1 -> new Prepare(id, r.address("logical address"), r.socketAddress("client"), r.u32("init timeout"));
            case 2 -> decodeInit(id, r);
            case 3 -> new Done(id, r.u16("sequence"), r.nonNegative("recreate ns"), r.nonNegative("redirect ns"),
                    r.nonNegative("activate ns"));
            case 4 -> new Abort(id, AbortReason.valueOf(r.u8("reason")), (r.u8("flags") & 1) != 0,
                    r.u16("sequence"), r.utf8(r.u16("message length"), "message"));
            case 5 -> decodeRequest(id, r);
            case 7 -> decodeStateAhead(id, r);
            default -> new HandoffReply(id, r.u8("completed") == 1, r.utf8(r.u16("text length"), "text"));
        };
        if (r.remaining() != 0) {
            throw new MalformedMessageException(r.remaining() + " trailing bytes after " + type, r.position());
        }
        return m;
    }

    private static StateAhead decodeStateAhead(long id, WireReader r) throws MalformedMessageException {
        int at = r.position();
        int count = r.u16("state count");
        if (count < 1 || count > Init.MAX_CONNECTIONS) {
            throw new MalformedMessageException("state count " + count + " outside 1.." + Init.MAX_CONNECTIONS, at);
        }
        java.util.List<StateAhead.Entry> states = new java.util.ArrayList<>(count);
        long total = 0;
        for (int i = 0; i < count; i++) {
            int port = r.u16("local port");
            at = r.position();
            byte[] app = r.bytes(r.length("app state length"), "app state");
            total += app.length;
            if (total > StateAhead.MAX_TOTAL_BYTES) {
                throw new MalformedMessageException("more than " + StateAhead.MAX_TOTAL_BYTES + " bytes of state ahead", at);
            }
            states.add(new StateAhead.Entry(port, app));
        }
        return new StateAhead(id, states);
    }

    private static Init decodeInit(long id, WireReader r) throws MalformedMessageException {
        byte[] nonce = r.bytes(Init.NONCE_BYTES, "nonce");
        long ts = r.i64("timestamp");
        int seq = r.u16("sequence");
        InetAddress logical = r.address("logical address");
        int at = r.position();
        int count = r.u16("connection count");
        if (count < 1 || count > Init.MAX_CONNECTIONS) {
            throw new MalformedMessageException("connection count " + count + " outside 1.." + Init.MAX_CONNECTIONS, at);
        }
        java.util.List<Init.Migrated> connections = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            InetSocketAddress local = r.socketAddress("socket local");
            InetSocketAddress remote = r.socketAddress("socket remote");
            byte[] socket = r.bytes(r.length("socket state length"), "socket state");
            byte[] app = r.bytes(r.length("app state length"), "app state");
            connections.add(new Init.Migrated(new SocketState(local, remote, socket), app));
        }
        String problem = Init.checkConnections(connections);
        if (problem != null) {
            throw new MalformedMessageException(problem, at);
        }
        return new Init(id, nonce, ts, seq, logical, connections);
    }

    private static HandoffRequest decodeRequest(long id, WireReader r) throws MalformedMessageException {
        InetSocketAddress client = r.socketAddress("client");
        int at = r.position();
        String name = r.utf8(r.u8("acceptor length"), "acceptor");
        if (name.length() > 255) {
            throw new MalformedMessageException("acceptor name too long", at);
        }
        return new HandoffRequest(id, client, name.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(name));
    }

    private static void checkHeader(WireReader r) throws MalformedMessageException {
        int magic = r.u16("magic");
        if (magic != MAGIC) {
            throw new MalformedMessageException(String.format("bad magic 0x%04x", magic), 0);
        }
        int version = r.u8("version");
        if (version != VERSION) {
            throw new MalformedMessageException("unsupported version " + version + " (speaks " + VERSION + ")", 2);
        }
    }

    private static void writeAddress(DataOutputStream out, InetAddress a) throws IOException {
        byte[] b = a.getAddress();
        out.writeByte(b.length);
        out.write(b);
    }

    private static void writeSocketAddress(DataOutputStream out, InetSocketAddress a) throws IOException {
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + a);
        }
        writeAddress(out, a.getAddress());
        out.writeShort(a.getPort());
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }
}
