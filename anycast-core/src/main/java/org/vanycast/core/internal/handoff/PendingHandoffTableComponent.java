package org.vanycast.core.internal.handoff;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.vanycast.core.api.PendingHandoffTable;

/** Offers the contact node's pending-handoff table to the mobility driver. */
@Component(service = PendingHandoffTable.class, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        name = "org.vanycast.core.pendinghandoffs")
@Designate(ocd = PendingHandoffTableComponent.Config.class)
public class PendingHandoffTableComponent implements PendingHandoffTable {

    @ObjectClassDefinition(name = "Vanycast pending-handoff table")
    public @interface Config {
        long ttl_ms() default 10_000;

        int capacity() default 65_536;
    }

    private PendingHandoffs table = new PendingHandoffs(Duration.ofSeconds(10), 65_536);

    @Activate
    void activate(Config c) {
        if (c.ttl_ms() <= 0 || c.capacity() <= 0) {
            throw new IllegalArgumentException("ttl.ms and capacity must be positive");
        }
        table = new PendingHandoffs(Duration.ofMillis(c.ttl_ms()), c.capacity());
    }

    @Override
    public void expect(InetAddress client, long homeInitCookie, InetAddress acceptorCareOf, long nowNanos) {
        table.expect(client, homeInitCookie, acceptorCareOf, nowNanos);
    }

    @Override
    public Optional<InetAddress> acceptorFor(InetAddress client, long homeInitCookie, long nowNanos) {
        return table.acceptorFor(client, homeInitCookie, nowNanos);
    }

    @Override
    public void forget(InetAddress client, long homeInitCookie) {
        table.forget(client, homeInitCookie);
    }

    @Override
    public int size(long nowNanos) {
        return table.size(nowNanos);
    }
}
