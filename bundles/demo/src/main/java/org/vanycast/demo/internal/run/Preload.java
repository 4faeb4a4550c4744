package org.vanycast.demo.internal.run;

import java.util.List;

/**
 * Loads every class of the runner when a command starts. The launcher's class path points at
 * the module jars under {@code target/}; a build running meanwhile (other work on the same
 * tree) rewrites them, and a class first needed minutes later, when the report is written,
 * would then fail to load after the whole run.
 */
final class Preload {
    private Preload() {
    }

    static int all() {
        List<Class<?>> classes = List.of(BenchReport.class, ClientTrace.class, ClientTrace.Segment.class,
                ClientTrace.Switch.class, DemoReport.class, DemoResult.class, DemoResult.Handoff.class,
                DemoResult.Sample.class, DemoScenario.class, HandoffBench.class, HandoffBench.Row.class,
                NodeContainer.class, ContainerBed.class, BedSpec.class, Options.class, PhaseCsv.class, Plots.class, Proc.class, Proc.Result.class);
        return classes.size();
    }
}
