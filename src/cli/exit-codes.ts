/** Exit codes, as Orion defines them (documented in `perfhound --help`). */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_REGRESSION = 2;
export const EXIT_NO_DATA = 3;
