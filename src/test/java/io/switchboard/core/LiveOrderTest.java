package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LiveOrderTest {

    private final LiveOrder order = new LiveOrder();

    @Test
    void theFirstMessageOfAChannelIsDeliveredAndTheNextOffsetFollows() {
        assertEquals(new LiveOrder.Result(LiveOrder.Step.DELIVER, 6), order.arrived("c", "e", 7));
        assertEquals(new LiveOrder.Result(LiveOrder.Step.DELIVER, 7), order.arrived("c", "e", 8));
    }

    @Test
    void aCopyAtOrBelowTheLastOffsetIsADuplicate() {
        order.arrived("c", "e", 3);
        assertEquals(LiveOrder.Step.DUPLICATE, order.arrived("c", "e", 3).step());
        assertEquals(LiveOrder.Step.DUPLICATE, order.arrived("c", "e", 2).step());
    }

    @Test
    void aJumpIsAGapAfterTheLastDeliveredOffsetAndMovesThePosition() {
        order.arrived("c", "e", 3);
        assertEquals(new LiveOrder.Result(LiveOrder.Step.GAP, 3), order.arrived("c", "e", 6));
        assertEquals(LiveOrder.Step.DUPLICATE, order.arrived("c", "e", 5).step());
        assertEquals(LiveOrder.Step.DELIVER, order.arrived("c", "e", 7).step());
    }

    @Test
    void anotherEpochIsANewEpochWhateverItsOffset() {
        order.arrived("c", "e", 30);
        assertEquals(LiveOrder.Step.NEW_EPOCH, order.arrived("c", "f", 1).step());
        assertEquals(LiveOrder.Step.DELIVER, order.arrived("c", "f", 2).step());
    }

    @Test
    void aForgottenChannelStartsAfreshAndChannelsAreIndependent() {
        order.arrived("c", "e", 3);
        order.arrived("d", "e", 9);
        order.forget("c");
        assertEquals(LiveOrder.Step.DELIVER, order.arrived("c", "e", 10).step());
        assertEquals(LiveOrder.Step.DELIVER, order.arrived("d", "e", 10).step());
        assertEquals(2, order.size());
    }
}
