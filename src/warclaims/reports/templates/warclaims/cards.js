/* The charts' cards: a mark (a button over the picture, placed where the build measured it) opens
   its card on hover, on focus and on a tap; Escape or a tap elsewhere closes it. Where marks lie
   close together (a dense chart), the pointer opens the one whose middle is nearest, never the one
   that happens to be drawn last; over a series' panel, the nearest day. The arrow keys move between
   the marks of a chart (a series' days are one Tab stop). No framework, no eval, no inline handlers:
   the page works under a strict Content-Security-Policy that allows this one script. Without it,
   the marks stay hidden and the page reads as a picture with its caption, table and downloads. */
(function () {
  "use strict";
  document.documentElement.classList.add("wc-on");
  var open = null;
  var opener = null;

  function place(mark) {
    // Set here, not in the page: without this script the marks are hidden and say nothing.
    mark.setAttribute("type", "button");
    mark.setAttribute("aria-expanded", "false");
    var s = mark.style;
    s.left = mark.getAttribute("data-x") + "%";
    s.top = mark.getAttribute("data-y") + "%";
    s.width = mark.getAttribute("data-w") + "%";
    s.height = mark.getAttribute("data-h") + "%";
  }

  function close() {
    if (open) {
      open.classList.remove("wc-open");
    }
    if (opener) {
      opener.setAttribute("aria-expanded", "false");
    }
    open = null;
    opener = null;
  }

  function add(parent, tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = text;
    parent.appendChild(node);
    return node;
  }

  // A series' day card, from its row of the chart's table (text copied as text, never as markup).
  function fill(card, mark) {
    var row = mark.wcRow;
    var table = row.closest("table");
    var labels = table.tHead.rows[0].cells;
    var source = table.nextElementSibling;
    card.wcHead.textContent = table.getAttribute("data-name") + ", " + row.cells[0].textContent;
    card.wcBody.textContent = "";
    for (var j = 1; j < row.cells.length; j++) {
      var line = add(card.wcBody, "p", "wc-row", " " + row.cells[j].textContent);
      line.insertBefore(add(line, "span", "wc-label", labels[j].textContent + ":"), line.firstChild);
    }
    card.wcSource.textContent = source ? source.textContent : "";
  }

  // The marks of a series' days, written by the build as "row x y w h" per day; one card per
  // chart and series serves them all. The first day is the series' one Tab stop.
  function days(holder) {
    var figure = holder.closest("figure");
    var prefix = holder.getAttribute("data-series");
    var tables = figure.querySelectorAll("table.wc-series[data-series]");
    var table = null;
    for (var t = 0; t < tables.length; t++) {
      if (tables[t].getAttribute("data-series") === prefix) {
        table = tables[t];
      }
    }
    if (table) {
      var id = figure.id + "-days-" + prefix;
      var card = document.getElementById(id);
      if (!card) {
        card = add(holder.closest(".wc-frame"), "div", "wc-card", "");
        card.id = id;
        card.setAttribute("role", "tooltip");
        card.wcHead = add(card, "p", "wc-head", "");
        card.wcHead.id = id + "-head";
        card.wcBody = add(card, "div", "", "");
        card.wcSource = add(card, "p", "wc-source", "");
      }
      var rows = table.tBodies[0].rows;
      var areas = holder.getAttribute("data-areas").split(";");
      for (var a = 0; a < areas.length; a++) {
        var v = areas[a].split(" ");
        var row = rows[+v[0]];
        if (!row || v.length !== 5) {
          continue;
        }
        var mark = document.createElement("button");
        mark.className = "wc-mark";
        mark.setAttribute("data-series", "");
        mark.setAttribute("data-key", prefix + ":" + row.getAttribute("data-day"));
        mark.setAttribute("data-x", v[1]);
        mark.setAttribute("data-y", v[2]);
        mark.setAttribute("data-w", v[3]);
        mark.setAttribute("data-h", v[4]);
        mark.setAttribute("aria-controls", id);
        mark.setAttribute("aria-describedby", id);
        mark.setAttribute("aria-labelledby", card.wcHead.id);
        if (a > 0) {
          mark.setAttribute("tabindex", "-1");
        }
        mark.wcRow = row;
        holder.parentNode.insertBefore(mark, holder);
        if (a === 0) {
          fill(card, mark);
        }
      }
    }
    holder.parentNode.removeChild(holder);
  }

  function show(mark) {
    var card = document.getElementById(mark.getAttribute("aria-controls"));
    if (!card || (open === card && opener === mark)) {
      return;
    }
    close();
    if (mark.wcRow) {
      fill(card, mark);
    }
    var frame = mark.closest(".wc-frame");
    card.classList.add("wc-open");
    open = card;
    opener = mark;
    mark.setAttribute("aria-expanded", "true");
    var width = frame.clientWidth;
    var left = mark.offsetLeft + mark.offsetWidth / 2 - card.offsetWidth / 2;
    left = Math.max(0, Math.min(left, width - card.offsetWidth));
    var below = mark.offsetTop + mark.offsetHeight + 6;
    var above = mark.offsetTop - card.offsetHeight - 6;
    var top = below + card.offsetHeight <= frame.clientHeight || above < 0 ? below : above;
    card.style.left = left + "px";
    card.style.top = top + "px";
  }

  // The mark for a point over the picture: of the marks whose area holds it, the one whose middle
  // is nearest; else, over a series' panel, the nearest day within a few pixels; else none.
  function at(frame, x, y) {
    var best = null;
    var distance = Infinity;
    var day = null;
    var dayDistance = Infinity;
    var marks = frame.querySelectorAll(".wc-mark");
    for (var j = 0; j < marks.length; j++) {
      var r = marks[j].getBoundingClientRect();
      if (!r.width || y < r.top || y > r.bottom) {
        continue;
      }
      var d = Math.abs((r.left + r.right) / 2 - x) + Math.abs((r.top + r.bottom) / 2 - y) / 4;
      if (marks[j].hasAttribute("data-series")) {
        var dx = Math.abs((r.left + r.right) / 2 - x);
        if (dx < dayDistance) {
          dayDistance = dx;
          day = marks[j];
        }
      } else if (x >= r.left && x <= r.right && d < distance) {
        distance = d;
        best = marks[j];
      }
    }
    if (best) {
      return best;
    }
    return dayDistance <= Math.max(12, frame.clientWidth * 0.03) ? day : null;
  }

  function step(mark, by) {
    var group = mark.parentNode.querySelectorAll(".wc-mark");
    for (var j = 0; j < group.length; j++) {
      if (group[j] === mark) {
        var next = group[Math.max(0, Math.min(group.length - 1, j + by))];
        next.focus();
        return;
      }
    }
  }

  var holders = document.querySelectorAll(".wc-days");
  for (var h = 0; h < holders.length; h++) {
    days(holders[h]);
  }
  var marks = document.querySelectorAll(".wc-mark");
  for (var i = 0; i < marks.length; i++) {
    place(marks[i]);
    marks[i].addEventListener("focus", function (event) {
      show(event.currentTarget);
    });
    marks[i].addEventListener("blur", function (event) {
      if (opener === event.currentTarget) {
        close();
      }
    });
    marks[i].addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight" || event.key === "ArrowDown") {
        event.preventDefault();
        step(event.currentTarget, 1);
      } else if (event.key === "ArrowLeft" || event.key === "ArrowUp") {
        event.preventDefault();
        step(event.currentTarget, -1);
      }
    });
  }
  var frames = document.querySelectorAll(".wc-frame");
  for (var k = 0; k < frames.length; k++) {
    frames[k].addEventListener("pointermove", function (event) {
      if (event.pointerType !== "mouse" || (open && open.contains(event.target))) {
        return;
      }
      var mark = at(event.currentTarget, event.clientX, event.clientY);
      if (mark) {
        show(mark);
      } else if (opener && document.activeElement !== opener) {
        close();
      }
    });
    frames[k].addEventListener("pointerleave", function (event) {
      if (event.pointerType === "mouse" && opener && document.activeElement !== opener) {
        close();
      }
    });
    frames[k].addEventListener("click", function (event) {
      if (open && open.contains(event.target)) {
        return;
      }
      var mark = at(event.currentTarget, event.clientX, event.clientY);
      if (mark) {
        event.stopPropagation();
        event.preventDefault();
        show(mark);
      }
    });
  }
  document.addEventListener("click", function (event) {
    if (open && !open.contains(event.target)) {
      close();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && open) {
      close();
    }
  });
})();
