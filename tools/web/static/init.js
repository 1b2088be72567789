// psc-web's only script (CSP: script-src 'self'): marks the page as scripted for the NHS.UK
// frontend's styles, then starts its components. Every page works without it.
import { initAll } from '/nhsuk/nhsuk-frontend.min.js';

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
initAll();
