// The C boundary to libedit. Swift can't call C's variadic functions, so
// each el_set / history call the shell makes has a fixed-argument wrapper.
#include <stdio.h>
#include <histedit.h>

typedef char *(*iq_prompt_fn)(EditLine *);
typedef unsigned char (*iq_command_fn)(EditLine *, int);
typedef int (*iq_read_fn)(EditLine *, wchar_t *);

static inline int iq_el_set_prompt(EditLine *el, iq_prompt_fn f) { return el_set(el, EL_PROMPT, f); }
static inline int iq_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int iq_el_set_read(EditLine *el, iq_read_fn f) { return el_set(el, EL_GETCFN, f); }
static inline int iq_el_set_history(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int iq_el_add_function(EditLine *el, const char *name, const char *help, iq_command_fn f) {
  return el_set(el, EL_ADDFN, name, help, f);
}
static inline int iq_el_bind(EditLine *el, const char *key, const char *function) {
  return el_set(el, EL_BIND, key, function, NULL);
}

static inline int iq_history(History *h, HistEvent *ev, int op) { return history(h, ev, op); }
static inline int iq_history_int(History *h, HistEvent *ev, int op, int n) { return history(h, ev, op, n); }
static inline int iq_history_string(History *h, HistEvent *ev, int op, const char *s) { return history(h, ev, op, s); }
static inline int iq_history_save_last(History *h, HistEvent *ev, size_t n, FILE *fp) {
  return history(h, ev, H_NSAVE_FP, n, fp);
}
