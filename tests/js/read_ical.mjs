// Reads iCalendar documents with Mozilla's ical.js (the parser in Thunderbird), as a client
// would: each VTIMEZONE the document carries is registered and used for its times, never a
// zone database of the parser's own. Input on stdin: a JSON list of documents; output on
// stdout: a JSON list, one reading per document.
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

function text(component, name) {
  const value = component.getFirstPropertyValue(name);
  return value === null ? null : String(value);
}

function instant(time) {
  if (time === null) return null;
  if (time.isDate) return time.toString();
  return time.toJSDate().toISOString();
}

function read(source) {
  const root = new ICAL.Component(ICAL.parse(source));
  for (const zone of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  const events = root.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      sequence: event.sequence,
      summary: event.summary,
      status: text(vevent, "status"),
      location: text(vevent, "location"),
      url: text(vevent, "url"),
      start: instant(event.startDate),
      end: instant(event.endDate),
      tzid: event.startDate && !event.startDate.isDate ? event.startDate.timezone : null,
      attendees: vevent.getAllProperties("attendee").map((p) => ({
        value: String(p.getFirstValue()),
        cn: p.getParameter("cn"),
        partstat: p.getParameter("partstat"),
      })),
    };
  });
  const result = {
    method: text(root, "method"),
    name: text(root, "name"),
    x_wr_calname: text(root, "x-wr-calname"),
    events,
  };
  for (const zone of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.remove(text(zone, "tzid"));
  }
  return result;
}

const documents = JSON.parse(readFileSync(0, "utf-8"));
process.stdout.write(JSON.stringify(documents.map(read)));
