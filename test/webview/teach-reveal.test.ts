import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scrollToShow } from '../../webview/diagram-layout';

describe('a teaching step brings its arrows into the diagram\'s view', () => {
  // The walkthrough scrolled to its end (scrollTop 90 of a 300 px view); step 1 highlights the
  // SYN, SYN-ACK and ACK arrows at 30…90 px: they were above the view, only the ACK showed.
  it('arrows above the view: scroll up to them', () => {
    assert.equal(scrollToShow(16, 96, 90, 300), 4);
  });
  it('arrows below the view: scroll down just enough', () => {
    assert.equal(scrollToShow(500, 560, 0, 300), 272);
  });
  it('arrows in view: no scroll', () => {
    assert.equal(scrollToShow(100, 160, 0, 300), undefined);
  });
  it('more arrows than fit: from the first', () => {
    assert.equal(scrollToShow(400, 1000, 0, 300), 388);
    assert.equal(scrollToShow(5, 1000, 200, 300), 0);
  });
});
