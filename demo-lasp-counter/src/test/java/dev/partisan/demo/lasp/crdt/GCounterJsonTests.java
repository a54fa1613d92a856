package dev.partisan.demo.lasp.crdt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A counter read from JSON is the counter that was written, whatever order its entries
 * come in, and a malformed one is refused with the replica it concerns.
 */
class GCounterJsonTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void aCounterReadsBackAsTheCounterThatWasWritten() {
		Random random = new Random(7);
		for (int i = 0; i < 200; i++) {
			GCounter counter = GCounter.zero();
			int increments = random.nextInt(50);
			for (int k = 0; k < increments; k++) {
				counter = counter.increment("c" + random.nextInt(40));
			}
			String json = this.mapper.writeValueAsString(counter);
			GCounter read = this.mapper.readValue(json, GCounter.class);
			assertThat(read).isEqualTo(counter);
			assertThat(read.value()).isEqualTo(increments);
			assertThat(this.mapper.writeValueAsString(read)).isEqualTo(json);
		}
	}

	@Test
	void aCounterIsWrittenAsTheJsonObjectOfItsSortedEntries() {
		GCounter counter = GCounter.zero().increment("c2").increment("c10").increment("c2").increment("a");
		assertThat(this.mapper.writeValueAsString(counter)).isEqualTo("{\"counts\":{\"a\":1,\"c10\":1,\"c2\":2}}");
		assertThat(this.mapper.writeValueAsString(GCounter.zero())).isEqualTo("{\"counts\":{}}");
	}

	@Test
	void entriesOutOfOrderRepeatedOrZeroReadAsTheMapTheySpell() {
		GCounter read = this.mapper.readValue("{\"counts\":{\"c2\":3,\"c1\":1,\"c3\":0,\"c2\":5}}", GCounter.class);
		Map<String, Long> expected = new LinkedHashMap<>();
		expected.put("c1", 1L);
		expected.put("c2", 5L);
		assertThat(read).isEqualTo(new GCounter(expected));
		assertThat(read.countOf("c3")).isZero();
		assertThat(this.mapper.readValue("{\"counts\":{}}", GCounter.class)).isEqualTo(GCounter.zero());
		assertThat(this.mapper.readValue("{\"counts\":{\"c1\":0}}", GCounter.class)).isEqualTo(GCounter.zero());
	}

	@Test
	void aNegativeOrNonIntegerCountIsRefusedNamingItsReplica() {
		assertThatExceptionOfType(DatabindException.class)
			.isThrownBy(() -> this.mapper.readValue("{\"counts\":{\"c1\":1,\"c2\":-4}}", GCounter.class))
			.withMessageContaining("c2=-4");
		assertThatExceptionOfType(DatabindException.class)
			.isThrownBy(() -> this.mapper.readValue("{\"counts\":{\"c1\":\"many\"}}", GCounter.class))
			.withMessageContaining("'c1'");
		assertThatExceptionOfType(DatabindException.class)
			.isThrownBy(() -> this.mapper.readValue("{\"counts\":[1,2]}", GCounter.class))
			.withMessageContaining("JSON object");
	}

}
