/*
 * CNCurses: the C boundary of the MLDeck dashboard.
 *
 * ncursesw with the wide-character API, plus `static inline` shims for everything Swift cannot
 * import: attribute macros (A_*), KEY_F(n), mouse masks, getmaxyx, and getters for the mutable
 * C globals (stdscr, LINES, COLS, COLORS, COLOR_PAIRS), which are hard errors in Swift 6 mode.
 * Only DeckTUI imports this module.
 */
#ifndef CNCURSES_H
#define CNCURSES_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>
#include <stdio.h>
#include <ncursesw/ncurses.h>

/* ---- C globals ---------------------------------------------------------------------------- */
static inline WINDOW *nc_stdscr(void)      { return stdscr; }
static inline int     nc_lines(void)       { return LINES; }
static inline int     nc_cols(void)        { return COLS; }
static inline int     nc_colors(void)      { return COLORS; }
static inline int     nc_color_pairs(void) { return COLOR_PAIRS; }
static inline void    nc_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }

/* ---- attributes ----------------------------------------------------------------------------- */
static inline attr_t nc_a_normal(void)    { return A_NORMAL; }
static inline attr_t nc_a_bold(void)      { return A_BOLD; }
static inline attr_t nc_a_dim(void)       { return A_DIM; }
static inline attr_t nc_a_italic(void)    { return A_ITALIC; }
static inline attr_t nc_a_underline(void) { return A_UNDERLINE; }
static inline attr_t nc_a_reverse(void)   { return A_REVERSE; }
static inline attr_t nc_a_blink(void)     { return A_BLINK; }
static inline attr_t nc_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }

/* ---- keys ----------------------------------------------------------------------------------- */
static inline int nc_key_f(int n) { return KEY_F(n); }

/* ---- mouse ---------------------------------------------------------------------------------- */
static inline mmask_t nc_button1_pressed(void)  { return BUTTON1_PRESSED; }
static inline mmask_t nc_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t nc_button1_clicked(void)  { return BUTTON1_CLICKED; }
static inline mmask_t nc_button1_double_clicked(void) { return BUTTON1_DOUBLE_CLICKED; }
static inline mmask_t nc_button3_pressed(void)  { return BUTTON3_PRESSED; }
static inline mmask_t nc_button3_clicked(void)  { return BUTTON3_CLICKED; }
static inline mmask_t nc_button4_pressed(void)  { return BUTTON4_PRESSED; }
static inline mmask_t nc_button5_pressed(void)  { return BUTTON5_PRESSED; }

/* ---- terminfo capabilities (for the precomputed crash reset) -------------------------------- */
/* tigetstr returns (char*)-1 for "not a string capability"; normalise that to NULL. */
static inline const char *nc_tigetstr(const char *cap) {
    char *s = tigetstr((char *)cap);
    if (s == (char *)-1) return NULL;
    return s;
}
static inline int nc_tigetflag(const char *cap) { return tigetflag((char *)cap); }

/* ---- C library ------------------------------------------------------------------------------ */
extern int wcwidth(wchar_t c);   /* declared by <wchar.h> only under _XOPEN_SOURCE */
static inline int nc_wcwidth(wchar_t c) { return wcwidth(c); }
static inline FILE *nc_stdin(void)  { return stdin; }
static inline FILE *nc_stdout(void) { return stdout; }

/* ---- locale --------------------------------------------------------------------------------- */
static inline const char *nc_codeset(void) { return nl_langinfo(CODESET); }

#endif
