package org.vanycast.mipv6.internal.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MalformedMobilityHeaderException;
import org.vanycast.mipv6.api.MobilityChecksum;
import org.vanycast.mipv6.api.MobilityHeader;
import org.vanycast.mipv6.api.MobilityHeaderCodec;

/**
 * {@code ./vanycast mh decode HEX} and {@code ./vanycast mh encode < JSON}.
 *
 * <p>decode: the hex is an IPv6 packet if it starts with version 6 and is at least 40 octets,
 * otherwise a bare Mobility Header (pass {@code --src A --dst B} to check its checksum). One
 * JSON object on stdout. encode: reads one such object on stdin and prints hex; a packet's
 * Mobility Header checksum is computed from its addresses unless the object gives "Checksum"
 * (delete it after editing a decoded object). Exit 0 ok, 2 bad input or usage (one line on stderr).
 */
public final class MhCommand {
    static final String USAGE = "usage: vanycast mh decode [--src ADDR --dst ADDR] HEX | vanycast mh encode [--src ADDR --dst ADDR] < JSON";

    private MhCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.in, System.out, System.err);
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        try {
            if (args.length == 0) {
                throw new UsageException("missing sub-command");
            }
            Map<String, String> opts = new LinkedHashMap<>();
            String positional = null;
            for (int i = 1; i < args.length; i++) {
                if (args[i].equals("--src") || args[i].equals("--dst")) {
                    if (i + 1 >= args.length) {
                        throw new UsageException(args[i] + " needs an address");
                    }
                    opts.put(args[i], args[++i]);
                } else if (!args[i].startsWith("--")) {
                    // Hex pasted with spaces arrives as several arguments.
                    positional = positional == null ? args[i] : positional + args[i];
                } else {
                    throw new UsageException("unexpected argument " + args[i]);
                }
            }
            if (opts.size() == 1) {
                throw new UsageException("--src and --dst go together");
            }
            Inet6Address src = opts.isEmpty() ? null : MhJsonReader.address(Map.of("--src", opts.get("--src")), "--src");
            Inet6Address dst = opts.isEmpty() ? null : MhJsonReader.address(Map.of("--dst", opts.get("--dst")), "--dst");
            switch (args[0]) {
                case "decode":
                    if (positional == null) {
                        throw new UsageException("decode needs the hex of a packet or Mobility Header");
                    }
                    out.println(Json.write(decode(positional, src, dst)));
                    return 0;
                case "encode":
                    if (positional != null) {
                        throw new UsageException("encode reads JSON on stdin, no positional argument");
                    }
                    out.println(HexFormat.of().formatHex(encode(new String(in.readAllBytes(), StandardCharsets.UTF_8), src, dst)));
                    return 0;
                default:
                    throw new UsageException("unknown sub-command " + args[0]);
            }
        } catch (UsageException e) {
            err.println("vanycast mh: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (BadInputException | IllegalArgumentException e) {
            err.println("vanycast mh: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("vanycast mh: cannot read stdin: " + e.getMessage());
            return 1;
        }
    }

    static Map<String, Object> decode(String hexText, Inet6Address src, Inet6Address dst) throws BadInputException {
        String h = hexText.replaceAll("[\\s:]", "");
        if (h.startsWith("0x") || h.startsWith("0X")) {
            h = h.substring(2);
        }
        for (int i = 0; i < h.length(); i++) {
            if (Character.digit(h.charAt(i), 16) < 0) {
                throw new BadInputException("not hex: '" + h.charAt(i) + "' at character " + i);
            }
        }
        if (h.length() % 2 != 0) {
            throw new BadInputException("odd number of hex digits (" + h.length() + ")");
        }
        byte[] b = HexFormat.of().parseHex(h);
        try {
            if (b.length >= 40 && (b[0] & 0xf0) == 0x60) {
                return PacketJson.toJson(b);
            }
            MobilityHeader mh = MobilityHeaderCodec.decode(b);
            Boolean valid = src == null ? null : MobilityChecksum.verify(src, dst, b);
            return MhJson.toJson(mh, valid);
        } catch (MalformedMobilityHeaderException e) {
            throw new BadInputException("malformed: " + e.reason() + " at byte " + e.offset());
        }
    }

    static byte[] encode(String jsonText, Inet6Address src, Inet6Address dst) throws BadInputException {
        Object json;
        try {
            json = Json.parse(jsonText);
        } catch (Json.ParseException e) {
            throw new BadInputException("bad JSON: " + e.getMessage());
        }
        if (!(json instanceof Map<?, ?> m)) {
            throw new BadInputException("bad JSON: expected one object");
        }
        if (m.containsKey("IPv6")) {
            Ipv6Packet p = PacketJson.fromJson(m);
            return Ipv6PacketCodec.encode(p);
        }
        MobilityHeader h = MhJsonReader.read(m);
        byte[] b = MobilityHeaderCodec.encode(h);
        if (src != null && !m.containsKey("Checksum")) {
            MobilityChecksum.fill(src, dst, b, 0, b.length);
        }
        return b;
    }

    /** Bad arguments: usage follows the message. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Bad input data: one line, no usage. */
    static final class BadInputException extends Exception {
        private static final long serialVersionUID = 1L;

        BadInputException(String message) {
            super(message);
        }
    }
}
