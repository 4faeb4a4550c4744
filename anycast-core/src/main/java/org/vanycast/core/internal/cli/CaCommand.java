package org.vanycast.core.internal.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.vanycast.core.internal.tls.GroupCa;

/**
 * {@code vanycast ca init --dir D [--group NAME] [--days N]} creates the group certificate
 * authority; {@code vanycast ca issue --dir D --node NAME [--days N]} gives a node its group
 * certificate. Exit 0 ok, 2 usage or bad input, 1 failure.
 */
public final class CaCommand {
    static final String USAGE = "usage: vanycast ca init --dir DIR [--group NAME] [--days N]\n"
            + "       vanycast ca issue --dir DIR --node NAME [--days N]";

    private CaCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !(args[0].equals("init") || args[0].equals("issue"))) {
            return usage(err, args.length == 0 ? "missing sub-command" : "unknown sub-command '" + args[0] + "'");
        }
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                return usage(err, "expected --option value, got '" + args[i] + "'");
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        String dir = opts.remove("dir");
        if (dir == null) {
            return usage(err, "--dir is required");
        }
        long days;
        try {
            days = Long.parseLong(opts.getOrDefault("days", args[0].equals("init") ? "3650" : "825"));
            if (days <= 0 || days > 36500) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            return usage(err, "--days must be a number of days between 1 and 36500");
        }
        opts.remove("days");
        try {
            if (args[0].equals("init")) {
                String group = opts.getOrDefault("group", "default");
                opts.remove("group");
                if (!opts.isEmpty()) {
                    return usage(err, "unknown option --" + opts.keySet().iterator().next());
                }
                X509Certificate ca = GroupCa.init(Path.of(dir), group, Instant.now(), Duration.ofDays(days));
                out.println("created group CA " + ca.getSubjectX500Principal().getName() + " in " + dir);
            } else {
                String node = opts.remove("node");
                if (node == null) {
                    return usage(err, "--node is required");
                }
                if (!opts.isEmpty()) {
                    return usage(err, "unknown option --" + opts.keySet().iterator().next());
                }
                GroupCa.checkNodeName(node);
                X509Certificate cert = GroupCa.issue(Path.of(dir), node, Instant.now(), Duration.ofDays(days));
                out.println("issued " + node + ".crt and " + node + ".key in " + dir + " (valid until " + cert.getNotAfter().toInstant() + ")");
            }
            return 0;
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        } catch (Exception e) {
            err.println("vanycast ca " + args[0] + ": " + e.getMessage());
            return 1;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("vanycast ca: " + problem);
        err.println(USAGE);
        return 2;
    }
}
