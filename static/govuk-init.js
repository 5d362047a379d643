// Starts GOV.UK Frontend's components. A file, not an inline script, so that the pages'
// Content Security Policy can refuse every inline script but the GOV.UK template's one line.
import { initAll } from "/govuk/govuk-frontend.min.js";
initAll();
