// Licita: the live auction page (/subastas/{id}). The page works without this script (it
// reloads itself through a <noscript> refresh and lances are ordinary form posts); with it,
// the page listens to the auction's server-sent events and updates the ranking, the best
// price, the bidder's own place and the time left as each lance is accepted, without a
// reload. One small script, no framework; every text comes from the page's data-t-*
// attributes, written by the server in the reader's language.
(function () {
  "use strict";
  var root = document.getElementById("auction-live");
  if (!root) return;
  var data = root.dataset;
  // Shown from here on: what a page without JavaScript follows in its frame instead.
  root.className += " js";
  var again = parseInt(data.refresh || "0", 10);
  if (!window.EventSource || !window.JSON) {
    // An old browser: follow the auction by reloading, as without JavaScript.
    if (again > 0) setTimeout(function () { location.href = data.url; }, again * 1000);
    return;
  }
  var names = data.names ? JSON.parse(data.names) : {};
  var seat = data.seat || "";
  var step = cents(data.step || "0");
  var floor = cents(data.floor || "1");
  // The server's clock: its time when the page was made, against this machine's.
  var offset = Date.parse(data.serverTime) - Date.now();
  var closesAt = Date.parse(data.closesAt);
  var opensAt = Date.parse(data.opensAt);
  var status = data.status;
  var seen = parseInt(data.lances || "0", 10);

  function el(id) { return document.getElementById(id); }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }
  function cents(text) {
    var parts = String(text).split(".");
    var whole = parseInt(parts[0], 10) || 0;
    var frac = parseInt(((parts[1] || "") + "00").slice(0, 2), 10) || 0;
    return whole * 100 + frac;
  }
  function money(minor) {
    var whole = String(Math.floor(minor / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var frac = String(minor % 100);
    if (frac.length < 2) frac = "0" + frac;
    return data.prefix + " " + whole + "." + frac;
  }
  function label(letters) {
    return names[letters] || fill(data.tBidder, { letters: letters });
  }
  function text(id, value) {
    var node = el(id);
    if (node) node.textContent = value;
  }

  function tick() {
    var now = Date.now() + offset;
    if (status === "scheduled" && now >= opensAt) {
      // The start: the page as the server makes it now, with the bidder's form.
      status = "running";
      location.href = data.url;
      return;
    }
    var target = status === "scheduled" && now < opensAt ? opensAt : closesAt;
    var left = Math.max(0, Math.floor((target - now) / 1000));
    var starting = status === "scheduled" && now < opensAt;
    var template = starting ? (left >= 3600 ? data.tStartsHours : data.tStarts) : data.tLeft;
    if (status === "closed" || status === "cancelled") {
      text("auction-countdown", "");
    } else {
      var minutes = Math.floor(left / 60);
      text("auction-countdown", fill(template, {
        hours: Math.floor(left / 3600),
        minutes: starting && left >= 3600 ? minutes % 60 : minutes,
        seconds: left % 60
      }));
    }
    var warning = el("auction-warning");
    if (warning) warning.hidden = !(now >= opensAt && now < closesAt && closesAt - now <= 5 * 60 * 1000);
  }

  // The ranking this page holds: the state's, then each lance applied in the record's order
  // (a lance moves its seat's price; equal prices keep the earlier one first).
  var places = [];
  function apply(event) {
    if (event.kind !== "lance") {
      if (!event.ranking.length) return false;
      places = event.ranking.map(function (p, i) {
        return { seat: p.seat, price: p.price, minor: cents(p.price), order: i - 1e9 };
      });
      return true;
    }
    var found = false;
    for (var i = 0; i < places.length; i++) {
      if (places[i].seat === event.seat) {
        places[i].price = event.price;
        places[i].minor = cents(event.price);
        places[i].order = event.lances;
        found = true;
      }
    }
    places.sort(function (a, b) { return a.minor - b.minor || a.order - b.order; });
    return found;
  }

  function show(event) {
    closesAt = Date.parse(event.closes_at);
    if (event.kind === "lance" || event.kind === "snapshot") status = Date.now() + offset >= opensAt ? "running" : status;
    if (!apply(event)) {
      // A state too long to send, or a lance of a seat this page does not know: load it.
      location.href = data.url;
      return;
    }
    var ranking = places;
    var body = el("auction-ranking-body");
    if (body) {
      while (body.firstChild) body.removeChild(body.firstChild);
      for (var i = 0; i < ranking.length; i++) {
        var row = document.createElement("tr");
        var cells = [[String(i + 1), "num", data.tColRank], [label(ranking[i].seat), "key", data.tColBidder],
                     [money(cents(ranking[i].price)), "num", data.tColPrice]];
        for (var c = 0; c < cells.length; c++) {
          var cell = document.createElement("td");
          cell.className = cells[c][1];
          cell.setAttribute("data-label", cells[c][2]);
          cell.textContent = cells[c][0];
          row.appendChild(cell);
        }
        if (ranking[i].seat === seat) row.className = "mine";
        body.appendChild(row);
      }
    }
    if (ranking.length > 0) {
      text("auction-best", fill(data.tBest, { price: money(cents(ranking[0].price)), lances: event.lances }));
    }
    if (seat) {
      var own = null, rank = 0, shared = 0;
      for (var j = 0; j < ranking.length; j++) {
        if (ranking[j].seat === seat) { own = cents(ranking[j].price); rank = j + 1; }
      }
      for (var k = 0; k < ranking.length; k++) {
        if (own !== null && cents(ranking[k].price) === own) shared++;
      }
      if (own !== null) {
        var position = shared > 1 ? data.tTied : (rank === 1 ? data.tFirst : data.tLosing);
        text("auction-standing", fill(position, { price: money(own), rank: rank, of: ranking.length, seat: seat }));
        var highest = own - step;
        if (highest >= floor) text("auction-hint", fill(data.tHint, { highest: money(highest) }));
      }
    }
    var live = el("auction-live-note");
    if (live) live.textContent = data.tLive;
    tick();
  }

  var source = new EventSource(data.events);
  function handle(message) {
    var event;
    try { event = JSON.parse(message.data); } catch (e) { return; }
    if (event.kind === "lance" && event.lances <= seen) return;
    if (event.lances > seen) seen = event.lances;
    show(event);
    if (event.kind === "closed") {
      source.close();
      status = "closed";
      // The closed page has the final ranking, the moves and the transcript's link.
      setTimeout(function () { location.href = data.url; }, 1500);
    }
  }
  ["snapshot", "lance", "moved", "closed"].forEach(function (kind) {
    source.addEventListener(kind, handle);
  });
  setInterval(tick, 1000);
  tick();
})();
