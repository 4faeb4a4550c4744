package org.vanycast.demo.internal.glue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.soap.api.DirectoryResumable;
import org.vanycast.soap.api.RecordedRequest;
import org.vanycast.soap.api.ReplayResumable;
import org.vanycast.soap.api.ResumableResponse;

/**
 * What only the demo knows about the sample service: its plain downloads can be continued
 * mid-body from the same files, and its SOAP {@code getRange} is deterministic, so the
 * acceptor may replay it against its own server. Both are published as
 * {@link ResumableResponse} services, which the soap-adapter's component (PID
 * {@code org.vanycast.soap}, with its connector on [X]:port) registers. Everything else a node
 * needs comes from the product bundles' own configuration.
 */
@Component(configurationPid = SampleResumablesComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {})
@Designate(ocd = SampleResumablesComponent.Config.class)
public final class SampleResumablesComponent {
    static final String PID = "org.vanycast.demo.sample";
    private static final Logger LOG = LoggerFactory.getLogger(SampleResumablesComponent.class);
    private static final Pattern GET_RANGE = Pattern.compile("<([\\w.-]+:)?getRange[\\s/>]");

    @ObjectClassDefinition(name = "Vanycast demo: the sample service's resumable responses")
    public @interface Config {
        @AttributeDefinition(description = "The logical address X the sample service is reached at")
        String logical_address();

        @AttributeDefinition(description = "HTTP port on X")
        int port() default 8080;

        @AttributeDefinition(description = "Folder of the documents the sample service serves")
        String data_dir();

        @AttributeDefinition(description = "Request path prefix of the plain downloads")
        String download_prefix() default "/content/";
    }

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Activate
    public SampleResumablesComponent(BundleContext context, Config config) {
        String x = config.logical_address();
        if (x == null || !x.contains(":")) {
            throw new IllegalArgumentException("bad configuration " + PID + ": logical.address: not an IPv6 address: " + x);
        }
        if (config.port() < 1 || config.port() > 65535) {
            throw new IllegalArgumentException("bad configuration " + PID + ": port: " + config.port());
        }
        if (config.data_dir() == null || config.data_dir().isBlank()) {
            throw new IllegalArgumentException("bad configuration " + PID + ": data.dir is required");
        }
        registrations.add(context.registerService(ResumableResponse.class,
                new DirectoryResumable("download", config.download_prefix(), Path.of(config.data_dir())), null));
        registrations.add(context.registerService(ResumableResponse.class,
                new ReplayResumable("getRange", URI.create("http://[" + x + "]:" + config.port() + "/"),
                        SampleResumablesComponent::isGetRange), null));
        LOG.info("sample service: downloads under {} and getRange declared resumable", config.download_prefix());
    }

    static boolean isGetRange(RecordedRequest r) {
        return r.target().startsWith("/soap/") && GET_RANGE.matcher(new String(r.body(), StandardCharsets.UTF_8)).find();
    }

    @Deactivate
    void deactivate() {
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
    }
}
