package org.vanycast.soap.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vanycast.soap.api.HandoffSettings;

/** The take-over rehearsal a new handoff service runs: it must go through, or it warms nothing. */
class TakeOverWarmUpTest {
    @Test
    void shouldRunTheTakeOverOfAContinuedDownloadOnMadeUpData() throws Exception {
        DefaultSoapHandoff handoff = new DefaultSoapHandoff(HandoffSettings.defaults());
        try {
            handoff.warmedUp().get(30, TimeUnit.SECONDS); // throws if the rehearsal failed
            assertTrue(handoff.warmedUp().isDone());
            assertTrue(handoff.registry().size() == 0, "no connection touched");
        } finally {
            handoff.close();
        }
    }
}
