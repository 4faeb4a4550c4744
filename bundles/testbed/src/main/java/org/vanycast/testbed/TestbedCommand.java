package org.vanycast.testbed;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code ./vanycast testbed up|down|status|exec|set}. {@code up} builds the network and
 * leaves a daemon ({@link TestbedDaemon}) in the background running the WAN emulator, echo
 * responders and agents; {@code down} stops it and removes every namespace of the testbed,
 * also after a crash.
 */
public final class TestbedCommand {
    static final String USAGE = String.join("\n",
            "usage: vanycast testbed up [--id ID] [--config FILE] [--no-agents]",
            "       vanycast testbed down [--id ID] [--all]",
            "       vanycast testbed status [--id ID] [--json] [--no-measure]",
            "       vanycast testbed exec [--id ID] HOST CMD...",
            "       vanycast testbed set [--id ID] latency.LINK=MS|bandwidth.LINK=KBIT...");

    private TestbedCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    /** For running without the launcher: {@code java -cp … org.vanycast.testbed.TestbedCommand up}. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        List<String> args = new ArrayList<>(Arrays.asList(argv));
        if (args.isEmpty()) {
            return usage(err, "missing sub-command");
        }
        String sub = args.remove(0);
        String id = option(args, "--id", "tb");
        try {
            switch (sub) {
                case "up" -> {
                    String file = option(args, "--config", null);
                    boolean agents = !args.remove("--no-agents");
                    TestbedConfig c = file == null ? TestbedConfig.defaults(id) : TestbedConfig.load(Path.of(file), id);
                    c = c.withAgents(c.agents() && agents);
                    requireEmpty(args);
                    if (TestbedDaemon.isRunning(c.id())) {
                        err.println("testbed " + c.id() + " is already up (testbed down --id " + c.id() + " first)");
                        return 1;
                    }
                    TestbedDaemon.launch(c);
                    out.println("testbed " + c.id() + " up: namespaces " + new Topology(c.id()).nsPrefix() + "*, X = "
                            + Topology.str(new Topology(c.id()).logicalAddress()));
                    return 0;
                }
                case "down" -> {
                    boolean all = args.remove("--all");
                    requireEmpty(args);
                    List<String> gone = all ? Testbed.destroyAll() : Testbed.destroy(id);
                    out.println("removed " + gone.size() + " namespaces" + (gone.isEmpty() ? "" : ": " + String.join(" ", gone)));
                    return 0;
                }
                case "status" -> {
                    boolean json = args.remove("--json");
                    boolean measure = !args.remove("--no-measure");
                    requireEmpty(args);
                    Map<String, Object> s = TestbedDaemon.status(id, measure);
                    out.println(json ? Json.write(s) : StatusText.render(s));
                    return 0;
                }
                case "exec" -> {
                    if (args.size() < 2) {
                        return usage(err, "exec needs HOST and a command");
                    }
                    String host = args.remove(0);
                    TestbedConfig c = Testbed.readState(id);
                    if (!TestbedNetwork.hosts(c).contains(host)) {
                        return usage(err, "unknown host " + host + " (hosts: " + TestbedNetwork.hosts(c) + ")");
                    }
                    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", new Topology(id).ns(host)));
                    cmd.addAll(args);
                    return new ProcessBuilder(cmd).inheritIO().start().waitFor();
                }
                case "set" -> {
                    TestbedConfig c = Testbed.readState(id);
                    java.util.Properties p = c.toProperties();
                    for (String kv : args) {
                        int eq = kv.indexOf('=');
                        if (eq < 0 || !(kv.startsWith("latency.") || kv.startsWith("bandwidth."))) {
                            return usage(err, "expected latency.LINK=MS or bandwidth.LINK=KBIT, got " + kv);
                        }
                        p.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    TestbedConfig next = TestbedConfig.fromProperties(p, id);
                    TestbedDaemon.requestReconfigure(next);
                    out.println("testbed " + id + ": " + next.latencyMs() + " ms, " + next.bandwidthKbit() + " kbit/s");
                    return 0;
                }
                default -> {
                    return usage(err, "unknown sub-command " + sub);
                }
            }
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        } catch (IOException e) {
            err.println("testbed " + sub + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            err.println("testbed " + sub + ": " + e);
            return 1;
        }
    }

    private static void requireEmpty(List<String> args) {
        if (!args.isEmpty()) {
            throw new IllegalArgumentException("unexpected arguments: " + args);
        }
    }

    static String option(List<String> args, String name, String dflt) {
        int i = args.indexOf(name);
        if (i < 0) {
            return dflt;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        args.remove(i);
        return args.remove(i);
    }

    private static int usage(PrintStream err, String msg) {
        err.println("testbed: " + msg);
        err.println(USAGE);
        return 2;
    }
}
