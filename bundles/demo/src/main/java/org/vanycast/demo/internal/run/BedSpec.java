package org.vanycast.demo.internal.run;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vanycast.testbed.TestbedConfig;

/** What a {@link ContainerBed} brings up; every setter returns this spec. Public for this module's tests. */
public final class BedSpec {
    final TestbedConfig config;
    final Path repository;
    String group = "demo";
    final Map<String, String> coreConfig = new LinkedHashMap<>();
    final Map<String, String> javaOptions = new LinkedHashMap<>();
    String javaOptionsAll = "";
    final List<String> sysctls = new ArrayList<>();
    Path logs;
    Path failedStartLogs;
    PrintStream log = new PrintStream(OutputStream.nullOutputStream());

    BedSpec(TestbedConfig config, Path repository) {
        this.config = config;
        this.repository = repository;
    }

    /** The group's name (CA and anycast core); "demo" unless set. */
    public BedSpec group(String name) {
        this.group = name;
        return this;
    }

    /** Sets {@code key = value} in every node's {@code org.vanycast.core.node.cfg}, over the defaults. */
    public BedSpec coreConfig(String key, String value) {
        coreConfig.put(key, value);
        return this;
    }

    /** JVM options (e.g. {@code -Dname=value}) for the container of {@code node}. */
    public BedSpec javaOptions(String node, String options) {
        javaOptions.merge(node, options, (a, b) -> a + " " + b);
        return this;
    }

    /** JVM options for every node container (blank: none). */
    public BedSpec javaOptionsAll(String options) {
        javaOptionsAll = options == null ? "" : options;
        return this;
    }

    /** A namespaced sysctl ({@code name=value}) set in every node's namespace before the containers start. */
    public BedSpec nodeSysctl(String setting) {
        sysctls.add(setting);
        return this;
    }

    /** Where {@link ContainerBed#close()} keeps the node logs and handoff CSVs (none unless set). */
    public BedSpec logs(Path dir) {
        this.logs = dir;
        return this;
    }

    /** Where {@link ContainerBed#start} keeps the node logs when the bring-up fails (none unless set). */
    public BedSpec failedStartLogs(Path dir) {
        this.failedStartLogs = dir;
        return this;
    }

    /** Where progress goes (nowhere unless set). */
    public BedSpec log(PrintStream out) {
        this.log = out;
        return this;
    }
}
