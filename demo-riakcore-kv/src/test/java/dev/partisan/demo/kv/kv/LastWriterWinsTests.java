package dev.partisan.demo.kv.kv;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.partisan.demo.kv.vnode.Versioned;
import dev.partisan.demo.kv.vnode.Vnode;
import dev.partisan.demo.kv.vnode.VnodeRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stamps and merges: replicas that see two writes in different orders keep the same one.
 */
class LastWriterWinsTests {

	private final Versioned early = new Versioned(100, "n3", "early".getBytes());

	private final Versioned late = new Versioned(200, "n1", "late".getBytes());

	private final Versioned sameMillisN1 = new Versioned(300, "n1", "n1".getBytes());

	private final Versioned sameMillisN3 = new Versioned(300, "n3", "n3".getBytes());

	@Test
	void theLaterTimestampWinsAndTheNodeNameBreaksATie() {
		assertThat(Versioned.newest(this.early, this.late)).isEqualTo(this.late);
		assertThat(Versioned.newest(this.late, this.early)).isEqualTo(this.late);
		assertThat(Versioned.newest(this.sameMillisN1, this.sameMillisN3)).isEqualTo(this.sameMillisN3);
		assertThat(Versioned.newest(this.sameMillisN3, this.sameMillisN1)).isEqualTo(this.sameMillisN3);
		assertThat(Versioned.newest(null, this.early)).isEqualTo(this.early);
	}

	@Test
	void twoVnodesThatReceiveConcurrentWritesInOppositeOrdersHoldTheSameValue() {
		Vnode one = new Vnode(1, "n1", Duration.ZERO);
		Vnode two = new Vnode(2, "n2", Duration.ZERO);
		one.handle(VnodeRequest.put("k", this.sameMillisN1));
		one.handle(VnodeRequest.put("k", this.sameMillisN3));
		two.handle(VnodeRequest.put("k", this.sameMillisN3));
		two.handle(VnodeRequest.put("k", this.sameMillisN1));
		assertThat(one.get("k")).isEqualTo(two.get("k")).isEqualTo(this.sameMillisN3);
	}

	@Test
	void aDeleteIsATombstoneThatWinsOverTheValueItDeletes() {
		Vnode vnode = new Vnode(1, "n1", Duration.ZERO);
		vnode.handle(VnodeRequest.put("k", this.late));
		Versioned tombstone = new Versioned(201, "n2", null);
		assertThat(vnode.handle(VnodeRequest.put("k", tombstone)).value()).isEqualTo(tombstone);
		assertThat(vnode.handle(VnodeRequest.put("k", this.early)).value().isTombstone()).isTrue();
	}

	@Test
	void theClockNeverRepeatsAStampEvenWhenTheWallClockStandsStillOrGoesBack() {
		AtomicLong wall = new AtomicLong(1000);
		LwwClock clock = new LwwClock(wall::get);
		long first = clock.next();
		long second = clock.next();
		wall.set(500);
		long third = clock.next();
		assertThat(first).isEqualTo(1000);
		assertThat(second).isEqualTo(1001);
		assertThat(third).isEqualTo(1002);
	}

}
