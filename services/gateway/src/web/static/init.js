// Progressive enhancement only: every page works without JavaScript.
// eslint-disable-next-line @nx/enforce-module-boundaries -- a browser module loading a URL the gateway serves
import { initAll } from '/static/nhsuk-frontend.min.js';
initAll();
