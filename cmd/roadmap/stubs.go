package main

// Commands not built yet. Each is one line, deleted when its own file
// (cmd/roadmap/<command>.go) defines the function.
