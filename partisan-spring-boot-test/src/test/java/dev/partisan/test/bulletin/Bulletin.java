package dev.partisan.test.bulletin;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.Node;
import dev.partisan.api.Partisan;
import dev.partisan.spring.core.PartisanTemplate;
import dev.partisan.spring.handler.PartisanChannel;

/** Publishes a bulletin to every member this node sees, itself included. */
public class Bulletin {

	private final PartisanTemplate template;

	private final Partisan partisan;

	private final List<String> received = new CopyOnWriteArrayList<>();

	Bulletin(PartisanTemplate template, Partisan partisan) {
		this.template = template;
		this.partisan = partisan;
	}

	public void publish(String item) {
		for (Node member : this.partisan.members()) {
			this.template.send(member.name(), "bulletin", item);
		}
	}

	@PartisanChannel(channel = "news", name = "bulletin")
	void receive(String item) {
		this.received.add(item);
	}

	/** What this node has received, in arrival order. */
	public List<String> received() {
		return List.copyOf(this.received);
	}

}
