package dev.partisan.membership;

import java.util.List;

import dev.partisan.api.Node;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MemberSetTest {

	private final Node n1 = Node.parse("n1@127.0.0.1:1");

	private final Node n2 = Node.parse("n2@127.0.0.1:2");

	private final Node n3 = Node.parse("n3@127.0.0.1:3");

	@Test
	void mergeIsCommutativeAndIdempotent() {
		MemberSet a = new MemberSet();
		a.add(this.n1, 10);
		a.add(this.n2, 20);
		MemberSet b = new MemberSet();
		b.add(this.n2, 20);
		b.remove(this.n2.id());
		b.add(this.n3, 30);

		MemberSet ab = copy(a);
		ab.merge(b.entries());
		MemberSet ba = copy(b);
		ba.merge(a.entries());
		assertThat(ab.sameAs(ba.entries())).isTrue();
		assertThat(ab.merge(b.entries())).isFalse();
		assertThat(ab.alive()).containsExactlyInAnyOrder(this.n1, this.n3);
	}

	@Test
	void aLeaveSticksAgainstTheStaleAddItRemoved() {
		MemberSet left = new MemberSet();
		left.add(this.n2, 20);
		left.remove(this.n2.id());
		boolean changed = left.merge(List.of(new MemberEntry(this.n2, 20, false)));
		assertThat(changed).isFalse();
		assertThat(left.alive()).isEmpty();
	}

	@Test
	void aRestartedNodeWithALargerIncarnationComesBack() {
		MemberSet set = new MemberSet();
		set.add(this.n2, 20);
		set.remove(this.n2.id());
		set.merge(List.of(new MemberEntry(this.n2, 5_000, false)));
		assertThat(set.alive()).containsExactly(this.n2);
	}

	@Test
	void atEqualVersionsARemovalWins() {
		MemberSet set = new MemberSet();
		set.merge(List.of(new MemberEntry(this.n2, 21, false)));
		set.merge(List.of(new MemberEntry(this.n2, 21, true)));
		assertThat(set.alive()).isEmpty();
	}

	private static MemberSet copy(MemberSet source) {
		MemberSet copy = new MemberSet();
		copy.merge(source.entries());
		return copy;
	}

}
