package dev.partisan.demo.lasp.crdt;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * An ad's state read from its binary form is the state that was written; a cluster's
 * replica ids take a few bytes each; states with the same ids share them, so merging them
 * compares no names; and anything else is refused with what is wrong.
 */
class AdStateFormatTests {

	private final AdStateFormat format = new AdStateFormat();

	@Test
	void aStateReadsBackAsTheStateThatWasWritten() {
		Random random = new Random(11);
		for (int i = 0; i < 300; i++) {
			AdState state = AdState.created(1 + random.nextInt(1_000_000));
			int increments = random.nextInt(400);
			for (int k = 0; k < increments; k++) {
				state = state.viewedBy("node-" + random.nextInt(60) + "#" + Long.toString(random.nextInt(5), 36));
			}
			if (random.nextBoolean()) {
				state = state.disable();
			}
			byte[] bytes = this.format.write("ad-" + i, state);
			AdStateFormat.Read read = this.format.read(bytes, 0, bytes.length);
			assertThat(read.ad()).isEqualTo("ad-" + i);
			assertThat(read.state()).isEqualTo(state);
			assertThat(read.state().total()).isEqualTo(increments);
			assertThat(this.format.write(read.ad(), read.state())).isEqualTo(bytes);
		}
	}

	@Test
	void largeCountsAndThresholdsAndAnUnviewedAdReadBack() {
		GCounter views = new GCounter(java.util.Map.of("a#1", Long.MAX_VALUE, "b#1", 1L << 35));
		AdState state = new AdState(Long.MAX_VALUE, views, true);
		byte[] bytes = this.format.write("ad-é", state);
		assertThat(this.format.read(bytes, 0, bytes.length).state()).isEqualTo(state);
		AdState fresh = AdState.created(1);
		byte[] empty = this.format.write("ad-1", fresh);
		assertThat(this.format.read(empty, 0, empty.length).state()).isEqualTo(fresh);
	}

	@Test
	void aThousandClientEntriesTakeLessThanTwoThirdsOfTheirJson() {
		AdState state = AdState.created(100_000);
		for (int client = 0; client < 1000; client++) {
			for (int view = 0; view <= client % 40; view++) {
				state = state.viewedBy(String.format("c%05d#%s", client, "lq2x7kf9"));
			}
		}
		byte[] bytes = this.format.write("ad-1", state);
		int json = JsonMapper.builder().build().writeValueAsBytes(state).length;
		assertThat(bytes.length).isLessThan(1000 * 14).isLessThan(json * 2 / 3);
	}

	@Test
	void statesWithTheSameReplicaIdsShareOneArrayAndEveryIdIsOneString() {
		AdState first = AdState.created(10).viewedBy("c1#1").viewedBy("c2#1").viewedBy("c3#1");
		AdState second = first.viewedBy("c2#1");
		AdState third = second.viewedBy("c4#1");
		SortedCounts one = counts(readBack("ad-1", first));
		SortedCounts two = counts(readBack("ad-1", second));
		SortedCounts three = counts(readBack("ad-1", third));
		assertThat(two.replicas()).isSameAs(one.replicas());
		assertThat(three.replicas()).isNotSameAs(one.replicas());
		for (int i = 0; i < 3; i++) {
			assertThat(three.replicas()[i]).isSameAs(one.replicas()[i]);
		}
		// Another ad's state names the same replicas with the same strings.
		SortedCounts other = counts(readBack("ad-2", third));
		for (int i = 0; i < 4; i++) {
			assertThat(other.replicas()[i]).isSameAs(three.replicas()[i]);
		}
		// A replica merging a state it received takes that state's array.
		AdState local = AdState.created(10).viewedBy("c1#1").viewedBy("c2#1").viewedBy("c3#1").viewedBy("c1#1");
		AdState received = readBack("ad-1", second);
		AdState merged = local.merge(received);
		assertThat(counts(merged).replicas()).isSameAs(counts(received).replicas());
		assertThat(merged.total()).isEqualTo(5);
	}

	@Test
	void aReplicaIdThatIsNotPrintableAsciiIsNotWritten() {
		AdState state = AdState.created(5).viewedBy("café#1");
		assertThatIllegalArgumentException().isThrownBy(() -> this.format.write("ad-1", state))
			.withMessageContaining("café#1")
			.withMessageContaining("printable ASCII");
	}

	@Test
	void everyTruncationIsRefusedSayingWhatIsMissing() {
		AdState state = AdState.created(99).viewedBy("a#1").viewedBy("ab#1").viewedBy("b#1").disable();
		byte[] bytes = this.format.write("ad-1", state);
		for (int length = 0; length < bytes.length; length++) {
			int cut = length;
			assertThatIllegalArgumentException().isThrownBy(() -> this.format.read(bytes, 0, cut))
				.withMessageMatching("(Truncated|.*claims? |.*outside).*");
		}
	}

	@Test
	void malformedFieldsAreRefusedByName() {
		byte[] good = this.format.write("ad-1", AdState.created(3).viewedBy("a#1").viewedBy("b#1"));
		// u8 1 | varint 4 "ad-1" | threshold 3 | flags 0 | 2 entries | ids of 10 bytes:
		// shared
		// 0, rest 3 "a#1" | shared 0, rest 3 "b#1" | counts 1, 1
		assertThat(good).containsExactly(1, 4, 'a', 'd', '-', '1', 3, 0, 2, 10, 0, 3, 'a', '#', '1', 0, 3, 'b', '#',
				'1', 1, 1);
		assertRefused(with(good, 0, 2), "version 2");
		assertRefused(with(good, 6, 0), "Threshold 0");
		assertRefused(with(good, 7, 2), "Unknown flags 2");
		assertRefused(with(good, 8, 100), "claims 100 entries");
		assertRefused(with(good, 20, 0), "Count 0 of replica 'a#1'");
		assertRefused(with(good, 17, 'a'), "not in strictly ascending order at entry 1");
		assertRefused(with(good, 17, 0x7F), "not printable ASCII");
		assertRefused(with(good, 15, 4), "shared prefix 4 is outside 0..3");
		assertRefused(with(good, 9, 12), "end 2 bytes before their stated length");
		assertRefused(Arrays.copyOf(good, good.length + 1), "1 bytes after the last count");
		byte[] overlong = { 1, 4, 'a', 'd', '-', '1', (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
				(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x02 };
		assertRefused(overlong, "threshold is longer than a 64-bit varint");
		byte[] noId = "\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1);
		assertRefused(noId, "ad id length 0 is outside 1..1024");
	}

	@Test
	void randomBytesAreEitherAStateOrRefusedNeverAnotherError() {
		Random random = new Random(5);
		byte[] good = this.format.write("ad-1",
				AdState.created(40).viewedBy("c00001#1").viewedBy("c00002#1").viewedBy("c00100#2"));
		int read = 0;
		for (int i = 0; i < 20_000; i++) {
			byte[] bytes = (i % 2 == 0) ? new byte[random.nextInt(40)] : good.clone();
			if (i % 2 == 0) {
				random.nextBytes(bytes);
			}
			else {
				bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
			}
			try {
				AdStateFormat.Read state = this.format.read(bytes, 0, bytes.length);
				byte[] again = this.format.write(state.ad(), state.state());
				assertThat(this.format.read(again, 0, again.length)).isEqualTo(state);
				read++;
			}
			catch (IllegalArgumentException ex) {
				assertThat(ex.getMessage()).isNotBlank();
			}
		}
		assertThat(read).isPositive();
	}

	private AdState readBack(String ad, AdState state) {
		byte[] bytes = this.format.write(ad, state);
		return this.format.read(bytes, 0, bytes.length).state();
	}

	private static SortedCounts counts(AdState state) {
		return (SortedCounts) state.views().counts();
	}

	private static byte[] with(byte[] bytes, int at, int value) {
		byte[] changed = bytes.clone();
		changed[at] = (byte) value;
		return changed;
	}

	private void assertRefused(byte[] bytes, String message) {
		assertThatIllegalArgumentException().isThrownBy(() -> this.format.read(bytes, 0, bytes.length))
			.withMessageContaining(message);
	}

}
