/* The charts' cards: a mark (a button over the picture, placed where the build measured it) opens
   its card on hover, on focus and on a tap; Escape or a tap elsewhere closes it. No framework, no
   eval, no inline handlers: the page works under a strict Content-Security-Policy that allows this
   one script. Without it, the marks stay hidden and the page reads as a picture with its caption,
   its table and its downloads. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("wc-on");
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

  function show(mark) {
    var card = document.getElementById(mark.getAttribute("aria-controls"));
    if (!card) {
      return;
    }
    if (open === card && opener === mark) {
      return;
    }
    close();
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

  var marks = document.querySelectorAll(".wc-mark");
  for (var i = 0; i < marks.length; i++) {
    var mark = marks[i];
    place(mark);
    mark.addEventListener("pointerenter", function (event) {
      if (event.pointerType === "mouse") {
        show(event.currentTarget);
      }
    });
    mark.addEventListener("pointerleave", function (event) {
      if (event.pointerType === "mouse" && opener === event.currentTarget && document.activeElement !== opener) {
        close();
      }
    });
    mark.addEventListener("focus", function (event) {
      show(event.currentTarget);
    });
    mark.addEventListener("blur", function (event) {
      if (opener === event.currentTarget) {
        close();
      }
    });
    mark.addEventListener("click", function (event) {
      event.stopPropagation();
      show(event.currentTarget);
    });
  }
  // A series' day is a column as wide as a day: a year of days on a phone is a pixel each. A pointer
  // or a tap anywhere over a series' panel opens the nearest day's card (as on the charts readers
  // know), unless it is on a mark of its own.
  function nearest(frame, x, y) {
    var best = null;
    var distance = Infinity;
    var days = frame.querySelectorAll(".wc-mark[data-series]");
    for (var j = 0; j < days.length; j++) {
      var r = days[j].getBoundingClientRect();
      if (!r.width || y < r.top || y > r.bottom) {
        continue;
      }
      var d = Math.abs((r.left + r.right) / 2 - x);
      if (d < distance) {
        distance = d;
        best = days[j];
      }
    }
    return distance <= Math.max(12, frame.clientWidth * 0.03) ? best : null;
  }
  var frames = document.querySelectorAll(".wc-frame");
  for (var k = 0; k < frames.length; k++) {
    frames[k].addEventListener("pointermove", function (event) {
      if (event.pointerType !== "mouse" || event.target.classList.contains("wc-mark")) {
        return;
      }
      var day = nearest(event.currentTarget, event.clientX, event.clientY);
      if (day) {
        show(day);
      } else if (opener && opener.hasAttribute("data-series") && document.activeElement !== opener) {
        close();
      }
    });
    frames[k].addEventListener("click", function (event) {
      if (event.target.classList.contains("wc-mark")) {
        return;
      }
      var day = nearest(event.currentTarget, event.clientX, event.clientY);
      if (day) {
        event.stopPropagation();
        show(day);
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
