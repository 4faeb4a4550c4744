package org.vanycast.core.internal.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HotWaitPartsTest {
    @Test
    void shouldRunTheAddedRehearsalAfterItsOwnAndKeepEverythingElse() {
        List<String> ran = new ArrayList<>();
        HotWait own = HotWait.of("n1"::equals, peer -> ran.add("own " + peer), 5_000_000);
        HotWait both = own.alsoRehearsing(() -> ran.add("records"));

        both.rehearse("n1");

        assertEquals(List.of("own n1", "records"), ran);
        assertTrue(both.expecting("n1"));
        assertFalse(both.expecting("n2"));
        assertEquals(5_000_000, both.maxSpinNanos());
        assertEquals(own.rehearseEveryNanos(), both.rehearseEveryNanos());
    }

    @Test
    void shouldLeaveOutTheStepsStillToComeOnceTheMessageArrived() {
        List<String> ran = new ArrayList<>();
        boolean[] here = {false};
        HotWait own = HotWait.stepwise("n1"::equals, (peer, arrived) -> {
            ran.add("first");
            here[0] = true; // the Init's bytes come in during the first step
            if (!arrived.getAsBoolean()) {
                ran.add("second");
            }
        }, 5_000_000);
        HotWait both = own.alsoRehearsing(() -> ran.add("records"));

        both.rehearse("n1", () -> here[0]);
        assertEquals(List.of("first"), ran);

        ran.clear();
        here[0] = false;
        both.rehearse("n1"); // nothing to look at: every step
        assertEquals(List.of("first", "second", "records"), ran);
    }

    @Test
    void shouldRunAOneStepRehearsalWholeWhateverArrives() {
        List<String> ran = new ArrayList<>();
        HotWait own = HotWait.of("n1"::equals, peer -> ran.add("own"), 1);
        own.rehearse("n1", () -> true);
        own.alsoRehearsing(() -> ran.add("records")).rehearse("n1", () -> true);
        assertEquals(List.of("own", "own"), ran);
    }

    @Test
    void shouldKeepACustomRehearsalPace() {
        HotWait slow = new HotWait() {
            @Override
            public boolean expecting(String peer) {
                return true;
            }

            @Override
            public void rehearse(String peer) {
                // nothing
            }

            @Override
            public long maxSpinNanos() {
                return 1;
            }

            @Override
            public long rehearseEveryNanos() {
                return 1_000_000;
            }
        };
        assertEquals(1_000_000, slow.alsoRehearsing(() -> { }).rehearseEveryNanos());
    }
}
