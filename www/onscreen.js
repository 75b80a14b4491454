// Work a panel does only for the reader's eyes: a refresh the panel was not asked for (the
// report of the model after training stopped, say) runs while the panel is on screen or near
// it, and, if it was asked for while the panel was away, once when the panel comes into view.
// The worker answers one call at a time, so such work done for a panel nobody sees makes Play
// and training wait. What the reader does in the panel is not routed through here: it runs at once.

/**
 * Watches `el` with an IntersectionObserver (`margin` around the viewport counts as on screen)
 * and returns `{ request, settle }`:
 * - `request()` runs `refresh()` now if `el` is on screen and returns what it returns (a promise
 *   the caller may await), else notes it (and calls `onDeferred()`), returns undefined, and runs it
 *   once `el` comes into view and `canRun()` is true;
 * - `settle()` drops a noted refresh (the panel has shown the model as it stands since).
 * `always`: treat `el` as always on screen (an embedded panel is the whole page, and a
 * cross-origin frame off screen may not get observations at all).
 */
export function onScreenRefresh(el, refresh, { always = false, margin = '100% 0px', canRun = () => true, onDeferred = () => {} } = {}) {
  let onScreen = always;
  let owed = false;
  function request() {
    if (!onScreen) {
      owed = true;
      onDeferred();
      return undefined;
    }
    owed = false;
    return refresh();
  }
  if (!always) {
    new IntersectionObserver((entries) => {
      onScreen = entries[entries.length - 1].isIntersecting;
      if (onScreen && owed && canRun()) request();
    }, { rootMargin: margin }).observe(el);
  }
  return {
    request,
    settle: () => {
      owed = false;
    },
  };
}
