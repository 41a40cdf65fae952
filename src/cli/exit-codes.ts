/** Exit codes, as Orion defines them (documented in `perfhound --help`). */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_REGRESSION = 2;
export const EXIT_NO_DATA = 3;
/** stdout was closed by its reader (`perfhound … | head`): what a shell reports for a SIGPIPE death. */
export const EXIT_BROKEN_PIPE = 141;
