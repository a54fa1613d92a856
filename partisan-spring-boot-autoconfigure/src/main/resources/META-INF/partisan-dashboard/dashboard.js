// The live cluster page. It polls this node's actuator (/actuator/partisan and
// /actuator/partisanchannels, relative to the page) and draws what it answers; it talks
// to no other node, so it shows the cluster as the node that serves it sees it.
'use strict';

(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const HISTORY = 60; // polls kept per lane for the charts
  const query = new URLSearchParams(window.location.search);
  const period = Math.max(250, 1000 * Number(query.get('refresh') || 1)); // ?refresh=seconds
  const lanes = new Map(); // "peer channel lane" -> { at: [], queued: [], sent: [], received: [], last }

  document.getElementById('window').textContent = Math.round((HISTORY * period) / 1000) + ' s';

  // A request that gets no answer is given up after this long, so that one lost request
  // does not stop the page: the next poll is only scheduled once this one has ended.
  const patience = Math.max(5000, 4 * period);

  async function read(endpoint) {
    const controller = new AbortController();
    const timer = window.setTimeout(() => controller.abort(), patience);
    try {
      const response = await fetch(endpoint,
        { headers: { Accept: 'application/json' }, cache: 'no-store', signal: controller.signal });
      if (response.status === 404) {
        throw new Error('/actuator/' + endpoint + ' is not exposed: add it to management.endpoints.web.exposure.include');
      }
      if (!response.ok) {
        throw new Error('/actuator/' + endpoint + ' answered ' + response.status);
      }
      return await response.json();
    } catch (error) {
      if (error.name === 'AbortError') {
        throw new Error('/actuator/' + endpoint + ' did not answer within ' + patience / 1000 + ' s; trying again');
      }
      throw error;
    } finally {
      window.clearTimeout(timer);
    }
  }

  async function poll() {
    try {
      const [cluster, table] = await Promise.all([read('partisan'), read('partisanchannels')]);
      const now = Date.now();
      record(table, now);
      const members = membersOf(cluster);
      drawGraph(cluster, members, table);
      drawMembers(members);
      drawLanes();
      status('updated ' + new Date(now).toLocaleTimeString() + ', every ' + period / 1000 + ' s', false);
    } catch (error) {
      status(error.message, true);
    } finally {
      window.setTimeout(poll, period);
    }
  }

  function status(text, isError) {
    const element = document.getElementById('status');
    element.textContent = text;
    element.className = isError ? 'error' : '';
  }

  // Members as the endpoint lists them, plus the peers that only appear in a view
  // (peer-to-peer's passive view), each with the views it is in.
  function membersOf(cluster) {
    const members = new Map();
    for (const member of cluster.members) {
      members.set(member.name, Object.assign({ views: [] }, member));
    }
    for (const [view, names] of Object.entries(cluster.views || {})) {
      for (const name of names) {
        if (!members.has(name)) {
          members.set(name, { name: name, state: view === 'passive' ? 'passive' : 'up', self: false, views: [] });
        }
        members.get(name).views.push(view);
      }
    }
    return Array.from(members.values()).sort((a, b) => a.name.localeCompare(b.name));
  }

  // Every member on one circle, this node at the top and the others clockwise in name
  // order: on a circle no edge passes through a member it does not join.
  function layout(members) {
    const positions = new Map();
    const ordered = members.filter((m) => m.self).concat(members.filter((m) => !m.self));
    ordered.forEach((member, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / ordered.length;
      positions.set(member.name, { x: 230 + 150 * Math.cos(angle), y: 195 + 150 * Math.sin(angle) });
    });
    return positions;
  }

  // Edges this node knows of first hand: a peer it has a connected lane to (active),
  // and on peer-to-peer its passive view (dashed, not connected). On full-mesh, static
  // and client-server the overlay's rule implies the edges between the other members
  // (every pair; client-server: every pair with a server), drawn thin; peer-to-peer's
  // other views are on the other nodes' pages.
  function edgesOf(cluster, members, table) {
    const self = cluster.node.name;
    const up = members.filter((m) => m.state === 'up');
    const edges = [];
    for (const member of up) {
      const connected = Object.values(table[member.name] || {}).some((rows) => rows.some((row) => row.connected));
      if (!member.self && connected) {
        edges.push({ from: self, to: member.name, kind: 'active' });
      }
    }
    for (const name of (cluster.views || {}).passive || []) {
      edges.push({ from: self, to: name, kind: 'passive' });
    }
    const implied = { 'full-mesh': () => true, static: () => true,
      'client-server': (a, b) => a.tag === 'server' || b.tag === 'server' }[cluster.overlay];
    if (implied) {
      const others = up.filter((m) => !m.self);
      others.forEach((a, i) => others.slice(i + 1).forEach((b) => {
        if (implied(a, b)) {
          edges.push({ from: a.name, to: b.name, kind: 'implied' });
        }
      }));
    }
    return edges;
  }

  function element(name, attributes, parent) {
    const created = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) {
      created.setAttribute(key, value);
    }
    if (parent) {
      parent.appendChild(created);
    }
    return created;
  }

  function drawGraph(cluster, members, table) {
    document.getElementById('self').textContent = '— as ' + cluster.node.name + ' sees it';
    document.getElementById('overlay-name').textContent = cluster.overlay;
    document.getElementById('note').textContent = {
      'peer-to-peer': 'Members are this node\u2019s active view (solid: connected); its passive view is dashed. '
        + 'The other nodes\u2019 views are on their own pages.',
      'client-server': 'Squares are servers, circles clients. Solid: this node\u2019s connections; '
        + 'thin: the ones the overlay implies (servers reach everyone, clients only servers).',
      pubsub: 'Messages travel through the broker; edges are this node\u2019s lanes.'
    }[cluster.overlay] || 'Solid: this node\u2019s connections; thin: the ones the overlay implies between the others.';

    const svg = document.getElementById('graph');
    svg.replaceChildren();
    const positions = layout(members);
    for (const edge of edgesOf(cluster, members, table)) {
      const a = positions.get(edge.from);
      const b = positions.get(edge.to);
      if (a && b) {
        element('line', { class: 'edge ' + edge.kind, x1: a.x, y1: a.y, x2: b.x, y2: b.y,
          'data-from': edge.from, 'data-to': edge.to }, svg);
      }
    }
    for (const member of members) {
      const at = positions.get(member.name);
      const group = element('g', { class: 'member' + (member.self ? ' self' : ''), 'data-name': member.name,
        'data-state': member.state }, svg);
      if (member.tag === 'server') {
        element('rect', { x: at.x - 18, y: at.y - 18, width: 36, height: 36 }, group);
      } else {
        element('circle', { cx: at.x, cy: at.y, r: 18 }, group);
      }
      element('text', { x: at.x, y: at.y + 34 }, group).textContent = member.name;
      if (member.state === 'down') {
        element('text', { class: 'reason', x: at.x, y: at.y + 48 }, group).textContent =
          'down' + (member.reason ? ': ' + member.reason : '');
      }
      element('title', {}, group).textContent = member.name + ' ' + member.state
        + (member.reason ? ' (' + member.reason + ')' : '') + (member.address ? ' ' + member.address : '');
    }
  }

  function cell(row, text, className) {
    const td = row.insertCell();
    td.textContent = text;
    if (className) {
      td.className = className;
    }
    return td;
  }

  function drawMembers(members) {
    const body = document.getElementById('member-rows');
    body.replaceChildren();
    for (const member of members) {
      const row = body.insertRow();
      row.dataset.name = member.name;
      row.dataset.state = member.state;
      cell(row, member.name + (member.self ? ' (this node)' : ''));
      cell(row, member.tag || '');
      cell(row, member.state, 'state-' + member.state);
      cell(row, member.reason || '');
      cell(row, member.address || '');
      cell(row, member.views.join(', '));
    }
  }

  // Keeps the last HISTORY polls per lane; throughput is the change in the counters
  // since the previous poll, per second.
  function record(table, now) {
    const seen = new Set();
    for (const [peer, channels] of Object.entries(table)) {
      for (const [channel, rows] of Object.entries(channels)) {
        for (const row of rows) {
          const key = peer + ' ' + channel + ' ' + row.lane;
          seen.add(key);
          let lane = lanes.get(key);
          if (!lane) {
            lane = { peer: peer, channel: channel, lane: row.lane, at: [], queued: [], sent: [], received: [] };
            lanes.set(key, lane);
          }
          const seconds = lane.last ? (now - lane.last.at) / 1000 : 0;
          const rate = (field) => (seconds > 0 ? Math.max(0, row[field] - lane.last.row[field]) / seconds : 0);
          push(lane.queued, row.queuedMessages);
          push(lane.sent, rate('sentMessages'));
          push(lane.received, rate('receivedMessages'));
          lane.last = { at: now, row: row };
        }
      }
    }
    for (const key of Array.from(lanes.keys())) {
      if (!seen.has(key)) {
        lanes.delete(key);
      }
    }
  }

  function push(series, value) {
    series.push(value);
    if (series.length > HISTORY) {
      series.shift();
    }
  }

  // A small line chart of a series, scaled to its own maximum, the latest poll at the
  // right edge; then the latest value.
  function sparkline(td, series, digits) {
    const width = 120;
    const height = 22;
    const max = Math.max(1, ...series);
    const step = width / (HISTORY - 1);
    const points = series.map((value, i) => (width - (series.length - 1 - i) * step) + ','
      + (height - 1 - (value / max) * (height - 2)));
    const svg = element('svg', { class: 'spark', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height });
    element('polyline', { points: points.join(' ') }, svg);
    td.appendChild(svg);
    td.appendChild(document.createTextNode(series.length ? series[series.length - 1].toFixed(digits) : ''));
  }

  function drawLanes() {
    const body = document.getElementById('lane-rows');
    body.replaceChildren();
    for (const lane of lanes.values()) {
      const row = body.insertRow();
      row.className = 'lane';
      cell(row, lane.peer);
      cell(row, lane.channel);
      cell(row, String(lane.lane), 'number');
      cell(row, lane.last.row.connected ? 'yes' : 'no', lane.last.row.connected ? 'state-up' : 'state-down');
      sparkline(cell(row, ''), lane.queued, 0);
      sparkline(cell(row, ''), lane.sent, 1);
      sparkline(cell(row, ''), lane.received, 1);
      cell(row, String(lane.last.row.droppedMessages), 'number');
    }
  }

  poll();
})();
