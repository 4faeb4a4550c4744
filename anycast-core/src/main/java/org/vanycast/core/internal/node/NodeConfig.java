package org.vanycast.core.internal.node;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of a node (PID {@code org.vanycast.core.node}); durations in milliseconds. */
@ObjectClassDefinition(name = "Vanycast node", description = "One node of an anycast group")
public @interface NodeConfig {
    @AttributeDefinition(description = "This node's name: the CN of its group certificate")
    String node_name();

    @AttributeDefinition(description = "Group (membership cluster) name")
    String group_name() default "vanycast";

    @AttributeDefinition(description = "The logical (anycast) IPv6 address X of the service")
    String logical_address();

    @AttributeDefinition(description = "Directory with ca.crt, NAME.crt and NAME.key (vanycast ca issue)")
    String ca_dir();

    @AttributeDefinition(description = "host:port of the group channel (Prepare/Init/Done); a concrete address")
    String channel() default "[::1]:7700";

    @AttributeDefinition(description = "host:port of the membership transport")
    String membership() default "[::1]:7800";

    @AttributeDefinition(description = "Membership transports of the other members, host:port each")
    String[] initial_hosts() default {};

    @AttributeDefinition(description = "How many members after the contact node keep the home-agent association")
    int backups() default 1;

    @AttributeDefinition(description = "Weight of this node for the least-loaded policy (0 accepts nobody)")
    double weight() default 1.0;

    long failure_timeout_ms() default 1500;

    long report_interval_ms() default 1000;

    long init_timeout_ms() default 10000;

    long capture_timeout_ms() default 2000;

    long drain_timeout_ms() default 500;

    long commit_timeout_ms() default 3000;

    long done_timeout_ms() default 5000;

    long replay_window_ms() default 30000;

    @AttributeDefinition(description = "How many handoff exchanges (Prepare, StateAhead, Init, Done) the node sends"
            + " itself over loopback when it starts, so that the group channel's code is compiled before the first"
            + " real handoff; 0 turns the warm-up off")
    int warmup_rounds() default NodeSettings.DEFAULT_WARMUP_ROUNDS;

    @AttributeDefinition(description = "How long at most the group channel's reader waits in short sleeps on its"
            + " socket (polls every 50 us where it cannot), instead of blocking, for an Init its Prepare announced,"
            + " running the acceptor's code without acting meanwhile so that it is in the CPU's caches when the Init"
            + " comes; 0 blocks as usual")
    long hot_wait_ms() default NodeSettings.DEFAULT_HOT_WAIT_MS;

    @AttributeDefinition(description = "How many whole handoffs of a loopback connection the node rehearses when it"
            + " starts, between two private coordinators through its own connection migrator (nothing reaches its"
            + " peers or clients), so that its first real handoffs do not load and interpret the handoff code;"
            + " 0 turns the rehearsal off")
    int warmup_handoffs() default NodeSettings.DEFAULT_REHEARSAL_HANDOFFS;

    @AttributeDefinition(description = "Whether the node asks the kernel, through /dev/cpu_dma_latency, to keep the"
            + " CPUs out of idle sleep from a handoff's start (or Prepare) to its end, so that the threads woken"
            + " along its critical path run at once; idle CPUs poll meanwhile. Needs write access to the device"
            + " (root); without it the node logs why and goes on without")
    boolean cpu_latency_hold() default true;
}
