/* Shared between the render module's files only. */
#ifndef KILN_RENDER_INTERNAL_H
#define KILN_RENDER_INTERNAL_H

/* The flame graph SVG's inline script (flame-script.c). */
extern const char flame_script[];

#endif
