package dev.partisan.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.partisan.api.DownReason;
import dev.partisan.api.MembershipListener;
import dev.partisan.api.Node;
import dev.partisan.api.Partisan;
import dev.partisan.spring.core.PartisanMembershipEvent;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * The lifecycle turns every membership listener call into the matching Spring application
 * event, the node's listener being driven by hand.
 */
class PartisanLifecycleTests {

	private static final Node SELF = Node.of("self", "127.0.0.1", 10100);

	private static final Node PEER = Node.of("peer", "127.0.0.1", 10101);

	@Test
	void upDownAndOutOfViewArePublishedAsTheirOwnEvents() {
		Partisan partisan = mock(Partisan.class);
		given(partisan.localNode()).willReturn(SELF);
		List<Object> published = new ArrayList<>();
		PartisanLifecycle lifecycle = new PartisanLifecycle(partisan, new PartisanProperties(), List.of(),
				published::add);
		lifecycle.start();
		ArgumentCaptor<MembershipListener> listener = ArgumentCaptor.forClass(MembershipListener.class);
		verify(partisan).addMembershipListener(listener.capture());

		listener.getValue().memberUp(PEER);
		listener.getValue().memberOutOfView(PEER);
		listener.getValue().memberDown(PEER, DownReason.LEFT);

		assertThat(published).hasSize(3);
		assertThat(published.get(0)).isInstanceOf(PartisanMembershipEvent.MemberUp.class);
		assertThat(published.get(1)).isInstanceOfSatisfying(PartisanMembershipEvent.MemberOutOfView.class,
				(event) -> assertThat(event.getNode()).isEqualTo(PEER));
		assertThat(published.get(2)).isInstanceOfSatisfying(PartisanMembershipEvent.MemberDown.class,
				(event) -> assertThat(event.getReason()).isEqualTo(DownReason.LEFT));
		verify(partisan).start();
		lifecycle.stop();
		assertThat(lifecycle.isKeepingAlive()).isFalse();
	}

}
