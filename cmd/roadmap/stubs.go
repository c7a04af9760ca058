package main

import "context"

// Commands not built yet. Each is one line, deleted when its own file
// (cmd/roadmap/<command>.go) defines the function.

func runValidate(_ context.Context, e *env, args []string) int { return e.notBuilt(args) }
func runIngest(_ context.Context, e *env, args []string) int   { return e.notBuilt(args) }
func runServe(_ context.Context, e *env, args []string) int    { return e.notBuilt(args) }
func runStatus(_ context.Context, e *env, args []string) int   { return e.notBuilt(args) }
func runHistory(_ context.Context, e *env, args []string) int  { return e.notBuilt(args) }
func runReindex(_ context.Context, e *env, args []string) int  { return e.notBuilt(args) }
