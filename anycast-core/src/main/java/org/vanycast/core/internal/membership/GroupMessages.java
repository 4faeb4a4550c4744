package org.vanycast.core.internal.membership;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The membership payloads, versioned: a load report (every member, to all) and a replica of
 * the home-agent security association (contact node to its backups).
 *
 * <pre>
 *  report: 'R' | version (1) | name (UTF) | channel addr len (u8) | addr | port (u16)
 *          | metric count (u16) | (key (UTF) | value (f64))*
 *  sa:     'S' | version (1) | epoch (i64) | revision (i64) | length (u32) | bytes
 * </pre>
 */
final class GroupMessages {
    static final int VERSION = 1;
    static final int MAX_METRICS = 64;
    static final int MAX_SA_BYTES = 64 * 1024;

    record Report(String node, InetSocketAddress channel, Map<String, Double> metrics) {
    }

    record SecurityAssociation(long epoch, long revision, byte[] bytes) {
    }

    private GroupMessages() {
    }

    static byte[] encode(Report r) {
        return write(out -> {
            out.writeByte('R');
            out.writeByte(VERSION);
            out.writeUTF(r.node());
            byte[] a = r.channel().getAddress().getAddress();
            out.writeByte(a.length);
            out.write(a);
            out.writeShort(r.channel().getPort());
            out.writeShort(r.metrics().size());
            for (Map.Entry<String, Double> e : r.metrics().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeDouble(e.getValue());
            }
        });
    }

    static byte[] encode(SecurityAssociation sa) {
        return write(out -> {
            out.writeByte('S');
            out.writeByte(VERSION);
            out.writeLong(sa.epoch());
            out.writeLong(sa.revision());
            out.writeInt(sa.bytes().length);
            out.write(sa.bytes());
        });
    }

    /** @throws IOException naming what is wrong; the caller counts and drops the message */
    static Object decode(byte[] b, int off, int len) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b, off, len))) {
            int kind = in.readUnsignedByte();
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IOException("unsupported membership message version " + version);
            }
            Object m;
            if (kind == 'R') {
                String node = in.readUTF();
                int alen = in.readUnsignedByte();
                if (alen != 4 && alen != 16) {
                    throw new IOException("bad address length " + alen);
                }
                byte[] a = in.readNBytes(alen);
                if (a.length != alen) {
                    throw new EOFException();
                }
                InetSocketAddress channel = new InetSocketAddress(InetAddress.getByAddress(a), in.readUnsignedShort());
                int n = in.readUnsignedShort();
                if (n > MAX_METRICS) {
                    throw new IOException(n + " metrics exceed " + MAX_METRICS);
                }
                Map<String, Double> metrics = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    metrics.put(in.readUTF(), in.readDouble());
                }
                m = new Report(node, channel, metrics);
            } else if (kind == 'S') {
                long epoch = in.readLong();
                long revision = in.readLong();
                int n = in.readInt();
                if (n < 0 || n > MAX_SA_BYTES) {
                    throw new IOException("association length " + n + " out of range");
                }
                byte[] bytes = in.readNBytes(n);
                if (bytes.length != n) {
                    throw new EOFException();
                }
                m = new SecurityAssociation(epoch, revision, bytes);
            } else {
                throw new IOException("unknown membership message kind " + kind);
            }
            if (in.available() > 0) {
                throw new IOException(in.available() + " trailing bytes");
            }
            return m;
        } catch (EOFException e) {
            throw new IOException("truncated membership message", e);
        }
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writer w) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(bytes);
            w.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
