#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/curses.h>

// Macros and globals Swift cannot see, as functions (Terminal.swift calls them).
static inline WINDOW *tabsim_stdscr(void) { return stdscr; }
static inline int tabsim_lines(void) { return LINES; }
static inline int tabsim_cols(void) { return COLS; }
static inline int tabsim_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int tabsim_a_bold(void) { return (int)A_BOLD; }
static inline int tabsim_a_reverse(void) { return (int)A_REVERSE; }
static inline int tabsim_a_dim(void) { return (int)A_DIM; }
static inline int tabsim_a_underline(void) { return (int)A_UNDERLINE; }
static inline int tabsim_a_normal(void) { return (int)A_NORMAL; }
static inline int tabsim_key_resize(void) { return KEY_RESIZE; }
static inline int tabsim_key_btab(void) { return KEY_BTAB; }
static inline int tabsim_key_up(void) { return KEY_UP; }
static inline int tabsim_key_down(void) { return KEY_DOWN; }
static inline int tabsim_key_left(void) { return KEY_LEFT; }
static inline int tabsim_key_right(void) { return KEY_RIGHT; }
static inline int tabsim_key_ppage(void) { return KEY_PPAGE; }
static inline int tabsim_key_npage(void) { return KEY_NPAGE; }
static inline int tabsim_key_home(void) { return KEY_HOME; }
static inline int tabsim_key_end(void) { return KEY_END; }
static inline mmask_t tabsim_all_mouse_events(void) { return ALL_MOUSE_EVENTS; }
#endif
