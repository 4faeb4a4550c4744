package org.vanycast.core.internal.node;

import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffListener;

/** Records every handoff of this node to a CSV file when configured (PID {@code org.vanycast.core.handoffcsv}). */
@Component(name = "org.vanycast.core.handoffcsv", configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = HandoffCsvComponent.Config.class)
public class HandoffCsvComponent implements HandoffListener {

    @ObjectClassDefinition(name = "Vanycast handoff CSV recorder")
    public @interface Config {
        String file() default "results/handoffs.csv";
    }

    private HandoffCsv csv;

    @Activate
    void activate(Config c) {
        if (c.file() == null || c.file().isBlank()) {
            throw new IllegalArgumentException("file is required");
        }
        csv = new HandoffCsv(Path.of(c.file()));
    }

    @Override
    public void onHandoff(HandoffEvent event) {
        csv.onHandoff(event);
    }
}
