package org.vanycast.testbed;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.vanycast.mipv6.internal.agent.CorrespondentAgent;
import org.vanycast.mipv6.internal.agent.HomeAgentService;

/**
 * {@code ./vanycast ha-agent} and {@code ./vanycast cn-agent}: run one agent in the current
 * network namespace (start them with {@code ip netns exec} or {@code testbed exec}) until
 * killed; counters are printed on exit.
 */
public final class AgentCommands {
    private AgentCommands() {
    }

    /** {@code ha-agent --address HA --serve X[,X…] --secret-file FILE [--uplink DEV] [--queue N]}. */
    public static final class Ha {
        private Ha() {
        }

        public static int run(String[] argv) {
            List<String> args = new ArrayList<>(Arrays.asList(argv));
            try {
                Inet6Address ha = (Inet6Address) InetAddress.getByName(req(TestbedCommand.option(args, "--address", null), "--address"));
                String uplink = TestbedCommand.option(args, "--uplink", "eth0");
                String serve = req(TestbedCommand.option(args, "--serve", null), "--serve");
                byte[] secret = Files.readAllBytes(Path.of(req(TestbedCommand.option(args, "--secret-file", null), "--secret-file")));
                int queue = Integer.parseInt(TestbedCommand.option(args, "--queue", "101"));
                if (!args.isEmpty()) {
                    throw new IllegalArgumentException("unexpected " + args);
                }
                HomeAgentService agent = HomeAgentService.start(null, ha, uplink, queue);
                for (String x : serve.split(",")) {
                    agent.serve((Inet6Address) InetAddress.getByName(x.strip()), secret);
                }
                return block(agent, () -> System.err.println("ha-agent counters " + agent.counters()));
            } catch (IllegalArgumentException | ClassCastException | java.net.UnknownHostException e) {
                System.err.println("ha-agent: " + e.getMessage());
                System.err.println("usage: vanycast ha-agent --address HA --serve X[,X…] --secret-file FILE [--uplink DEV] [--queue N]");
                return 2;
            } catch (Exception e) {
                System.err.println("ha-agent: " + e.getMessage());
                return 1;
            }
        }
    }

    /** {@code cn-agent [--queue N] [--table NAME] [--backend nft|xfrm]}. */
    public static final class Cn {
        private Cn() {
        }

        public static int run(String[] argv) {
            List<String> args = new ArrayList<>(Arrays.asList(argv));
            try {
                int queue = Integer.parseInt(TestbedCommand.option(args, "--queue", "102"));
                String table = TestbedCommand.option(args, "--table", "vanycast_cn");
                String backend = TestbedCommand.option(args, "--backend", "nft");
                if (!backend.equals("nft") && !backend.equals("xfrm")) {
                    throw new IllegalArgumentException("--backend must be nft or xfrm");
                }
                if (!args.isEmpty()) {
                    throw new IllegalArgumentException("unexpected " + args);
                }
                CorrespondentAgent agent = CorrespondentAgent.start(null, queue, table, backend.equals("xfrm"));
                return block(agent, () -> System.err.println("cn-agent counters " + agent.counters()));
            } catch (IllegalArgumentException e) {
                System.err.println("cn-agent: " + e.getMessage());
                System.err.println("usage: vanycast cn-agent [--queue N] [--table NAME] [--backend nft|xfrm]");
                return 2;
            } catch (Exception e) {
                System.err.println("cn-agent: " + e.getMessage());
                return 1;
            }
        }
    }

    private static int block(AutoCloseable agent, Runnable report) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            report.run();
            try {
                agent.close();
            } catch (Exception e) {
                System.err.println("closing agent: " + e);
            }
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    private static String req(String v, String name) {
        if (v == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return v;
    }
}
