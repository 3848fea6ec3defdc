// Command gotypes is the ground truth of gonotes' relevance benchmark: for a list of Go package
// directories (import paths under GOROOT, or directories) it prints every spot where a Go name
// that a note can be about is used, with the name go/types resolves it to, as TSV on stdout:
//
//	file  line  col16  len16  name  how  from  path
//
//	file   absolute path of the Go file
//	line   1-based line
//	col16  1-based column in UTF-16 code units (an LSP `character` is col16-1)
//	len16  length of the spot in UTF-16 code units
//	name   the name written as gonotes' notes and cases.json write it: sync.WaitGroup.Add for a
//	       method called on a sync.WaitGroup value or pointer (the method's declaring type: a
//	       method promoted from an embedded sync.Mutex is sync.Mutex.Lock), testing.B.N for a
//	       field, time.Sleep, sync.Once, context for a package name, keywords (defer, go, select,
//	       chan, range, map, struct, ...), <- for the send and receive operators, builtins and
//	       predeclared names bare (make, len, error, any, nil), "struct tag" for a struct tag
//	how    how the name's owner is known at that spot:
//	         pkg        written package-qualified (time.Sleep, sync.Once, context), or the
//	                    receiver is (http.DefaultClient.Do, (&sync.Mutex{}).Lock)
//	         samefile   the variable/field whose type gives the method or field is declared in
//	                    this file with its type stated (var wg sync.WaitGroup, a parameter, a
//	                    struct field, mu := &sync.Mutex{}); for an unqualified package-level
//	                    name of the file's own package, its declaration is in this file
//	         otherfile  that declaration (or one on the receiver's path) is in another file
//	         embedded   the method or field is promoted: declared on an embedded type (struct
//	                    field or embedded interface), not on the receiver's own type
//	         call       the receiver's type comes from a function result (f().M(), x := f(); x.M())
//	         import     a step is declared in another package that is not the standard library's
//	                    (a module-local package, one of the module cache or of GOPATH): a field,
//	                    function, method, var or type of it
//	         syntax     keywords, <-, struct tags: no type needed
//	         builtin    builtins and predeclared names (make, len, error, nil)
//	         other      anything else (function literals, elided composite-literal types, ...)
//	       On a receiver path the hardest step wins: import > call > embedded > otherfile >
//	       samefile > pkg.
//	from   how the file reaches the package declaring the name: import (an ordinary import of
//	       it), dot (import . "sync"), own (the file's own package: Sleep inside package time),
//	       none (not imported by the file: resp.Body.Close() is io.Closer.Close in a file that
//	       does not import io), - (keywords, operators, builtins, struct tags)
//	path   import path of the package declaring the name (math/rand for rand.Intn); empty for
//	       keywords, operators, builtins and struct tags
//
// Only uses are listed, not declarations. Everything is type-checked from source, imports
// included (with function bodies skipped, as go/importer's "source" importer does, cgo off so the
// pure-Go variants of net and os/user are used), with the _test.go files: the package's own test
// files are checked with it, and the external test package (package x_test) against that
// variant, every imported package that depends on it checked again, as `go test` builds them.
// go/importer's own "source" importer cannot do that last part (its cache is not reachable):
// with it, net/http's external tests see two different net/http packages and hundreds of type
// errors. Type errors are counted on stderr and otherwise ignored.
//
// Usage: gotypes [-tests=false] IMPORTPATH_OR_DIR... > spots.tsv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Ranks of `how` on a receiver path: the hardest step wins.
var rank = map[string]int{
	"pkg": 0, "builtin": 0, "syntax": 0, "samefile": 1, "otherfile": 2, "embedded": 3, "call": 4, "import": 5,
	"other": 6,
}

func worst(a, b string) string {
	if rank[b] > rank[a] {
		return b
	}
	return a
}

type spot struct {
	line, col, n    int
	name, how, from string
	path            string
}

// varSrc says where a variable declared without a stated type gets its type from.
type varSrc struct {
	expr   ast.Expr
	isType bool // expr is a type (a type switch case)
}

type fileCtx struct {
	fset    *token.FileSet
	tf      *token.File
	src     []byte
	info    *types.Info
	pkgPath string            // the file's package (x_test packages end in _test)
	imports map[string]string // import path -> the name it is imported as ("." for dot imports)
	vars    map[*types.Var]varSrc
	done    map[*ast.Ident]bool
	spots   []spot
}

func main() {
	tests := flag.Bool("tests", true, "include _test.go files (the package's own and package x_test)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: gotypes [-tests=false] IMPORTPATH_OR_DIR... > spots.tsv")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	build.Default.CgoEnabled = false
	fset := token.NewFileSet()
	imp := &srcImporter{fset: fset, pkgs: map[string]*types.Package{}}
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	fmt.Fprintln(out, "file\tline\tcol16\tlen16\tname\thow\tfrom\tpath")
	for _, arg := range flag.Args() {
		var bp *build.Package
		var err error
		if build.IsLocalImport(arg) || filepath.IsAbs(arg) {
			bp, err = build.Default.ImportDir(arg, 0)
		} else {
			bp, err = build.Default.Import(arg, "", 0)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "gotypes: %s: %v\n", arg, err)
			os.Exit(1)
		}
		files := append([]string{}, bp.GoFiles...)
		if *tests {
			files = append(files, bp.TestGoFiles...)
		}
		pkg, n := checkFiles(fset, imp, bp, files, nil, out)
		if *tests && len(bp.XTestGoFiles) > 0 {
			_, m := checkFiles(fset, imp.testVariant(bp.ImportPath, pkg), bp, bp.XTestGoFiles, pkg, out)
			n += m
		}
		fmt.Fprintf(os.Stderr, "gotypes: %s: %d files, %d type errors (ignored)\n", bp.ImportPath,
			len(files)+len(bp.XTestGoFiles), n)
	}
}

// srcImporter type-checks imported packages from source (function bodies skipped), like the
// "source" importer of go/importer, with a cache it owns so that the external test package can
// be checked as `go test` builds it: against the package with its own test files (export_test.go),
// every imported package that depends on it checked again against that variant.
type srcImporter struct {
	fset *token.FileSet
	pkgs map[string]*types.Package // by import path; nil while being checked
}

func (s *srcImporter) Import(path string) (*types.Package, error) {
	return s.ImportFrom(path, "", 0)
}

func (s *srcImporter) ImportFrom(path, dir string, _ types.ImportMode) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	bp, err := build.Default.Import(path, dir, 0)
	if err != nil {
		return nil, err
	}
	if pkg, ok := s.pkgs[bp.ImportPath]; ok {
		if pkg == nil {
			return nil, fmt.Errorf("import cycle through %s", bp.ImportPath)
		}
		return pkg, nil
	}
	s.pkgs[bp.ImportPath] = nil
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(s.fset, filepath.Join(bp.Dir, name), nil, parser.SkipObjectResolution)
		if f == nil {
			delete(s.pkgs, bp.ImportPath)
			return nil, err
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: s, IgnoreFuncBodies: true, Error: func(error) {}}
	pkg, _ := conf.Check(bp.ImportPath, s.fset, files, nil)
	s.pkgs[bp.ImportPath] = pkg
	return pkg, nil
}

// testVariant: an importer that gives `variant` for `path` and checks again every cached
// package that imports `path`, directly or not.
func (s *srcImporter) testVariant(path string, variant *types.Package) *srcImporter {
	t := &srcImporter{fset: s.fset, pkgs: map[string]*types.Package{}}
	memo := map[*types.Package]bool{}
	var dependsOn func(p *types.Package) bool
	dependsOn = func(p *types.Package) bool {
		if v, ok := memo[p]; ok {
			return v
		}
		memo[p] = false
		for _, q := range p.Imports() {
			if q.Path() == path || dependsOn(q) {
				memo[p] = true
				break
			}
		}
		return memo[p]
	}
	for k, p := range s.pkgs {
		if p != nil && k != path && !dependsOn(p) {
			t.pkgs[k] = p
		}
	}
	t.pkgs[path] = variant
	return t
}

func checkFiles(fset *token.FileSet, imp types.Importer, bp *build.Package, names []string,
	under *types.Package, out *bufio.Writer) (*types.Package, int) {
	var files []*ast.File
	srcs := map[*ast.File][]byte{}
	for _, name := range names {
		path := filepath.Join(bp.Dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gotypes: %v\n", err)
			continue
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if f == nil {
			fmt.Fprintf(os.Stderr, "gotypes: %s: %v\n", path, err)
			continue
		}
		files = append(files, f)
		srcs[f] = src
	}
	if len(files) == 0 {
		return under, 0
	}
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Implicits:  map[ast.Node]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	nerr := 0
	conf := types.Config{Importer: imp, Error: func(err error) {
		nerr++
		if os.Getenv("GOTYPES_DEBUG") != "" {
			fmt.Fprintln(os.Stderr, err)
		}
	}}
	path := bp.ImportPath
	if under != nil {
		path += "_test"
	}
	pkg, _ := conf.Check(path, fset, files, info)
	for _, f := range files {
		c := &fileCtx{fset: fset, tf: fset.File(f.Pos()), src: srcs[f], info: info, pkgPath: path,
			imports: map[string]string{}, vars: map[*types.Var]varSrc{}, done: map[*ast.Ident]bool{}}
		for _, is := range f.Imports {
			ip, _ := strconv.Unquote(is.Path.Value)
			if is.Name != nil {
				c.imports[ip] = is.Name.Name
			} else {
				c.imports[ip] = ""
			}
		}
		c.collectVars(f)
		c.keywords()
		c.walk(f)
		sort.Slice(c.spots, func(i, j int) bool {
			a, b := c.spots[i], c.spots[j]
			if a.line != b.line {
				return a.line < b.line
			}
			return a.col < b.col
		})
		for _, s := range c.spots {
			fmt.Fprintf(out, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\n", c.tf.Name(), s.line, s.col, s.n, s.name, s.how, s.from, s.path)
		}
	}
	return pkg, nerr
}

// emit records a spot of `text` (the source text there, for its UTF-16 length) at pos.
func (c *fileCtx) emit(pos token.Pos, nbytes int, name, how, path string) {
	if !pos.IsValid() || name == "" {
		return
	}
	p := c.fset.Position(pos)
	off := c.tf.Offset(pos)
	lineStart := off - (p.Column - 1)
	text := c.src[off:min(off+nbytes, len(c.src))]
	if i := strings.IndexByte(string(text), '\n'); i >= 0 {
		text = text[:i]
	}
	c.spots = append(c.spots, spot{line: p.Line, col: 1 + utf16Len(c.src[lineStart:off]), n: utf16Len(text),
		name: name, how: how, from: c.from(path), path: path})
}

// from: how the file reaches the package declaring a name.
func (c *fileCtx) from(path string) string {
	if path == "" {
		return "-"
	}
	if path == c.pkgPath {
		return "own"
	}
	name, ok := c.imports[path]
	switch {
	case !ok:
		return "none"
	case name == ".":
		return "dot"
	}
	return "import"
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func utf16Len(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		n += len(utf16.Encode([]rune{r}))
	}
	return n
}

// keywords emits every keyword token of the file (the scanner skips comments and strings).
func (c *fileCtx) keywords() {
	var s scanner.Scanner
	s.Init(c.tf, c.src, nil, 0)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return
		}
		if tok.IsKeyword() {
			c.emit(pos, len(lit), tok.String(), "syntax", "")
		}
	}
}

func (c *fileCtx) sameFile(pos token.Pos) bool {
	return pos.IsValid() && c.fset.File(pos) == c.tf
}

// foreign: whether p is another package than the file's own (or the one its external test
// package tests) and not the standard library's.
func (c *fileCtx) foreign(p *types.Package) bool {
	if p == nil {
		return false
	}
	path := p.Path()
	if path == c.pkgPath || path == strings.TrimSuffix(c.pkgPath, "_test") {
		return false
	}
	first, _, _ := strings.Cut(path, "/")
	return strings.Contains(first, ".")
}

// usedObj: the object a selector or identifier uses (a package-level name, a method, a field).
func (c *fileCtx) usedObj(e ast.Expr) types.Object {
	switch e := unparen(e).(type) {
	case *ast.Ident:
		return c.info.Uses[e]
	case *ast.SelectorExpr:
		if sel := c.info.Selections[e]; sel != nil {
			return sel.Obj()
		}
		return c.info.Uses[e.Sel]
	}
	return nil
}

// declHow: how an unqualified package-level object (or a type name) is known.
func (c *fileCtx) declHow(obj types.Object) string {
	if obj.Pkg() == nil {
		return "builtin"
	}
	if c.foreign(obj.Pkg()) {
		return "import" // a dot import
	}
	if c.sameFile(obj.Pos()) {
		return "samefile"
	}
	return "otherfile"
}

// collectVars records, for variables declared in this file without a stated type, the
// expression their type comes from.
func (c *fileCtx) collectVars(f *ast.File) {
	def := func(id ast.Expr, src varSrc) {
		if ident, ok := id.(*ast.Ident); ok {
			if v, ok := c.info.Defs[ident].(*types.Var); ok && v != nil {
				c.vars[v] = src
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for i, l := range n.Lhs {
					if len(n.Rhs) == len(n.Lhs) {
						def(l, varSrc{expr: n.Rhs[i]})
					} else if len(n.Rhs) == 1 {
						def(l, varSrc{expr: n.Rhs[0]})
					}
				}
			}
		case *ast.ValueSpec:
			if n.Type == nil {
				for i, l := range n.Names {
					if len(n.Values) == len(n.Names) {
						def(l, varSrc{expr: n.Values[i]})
					} else if len(n.Values) == 1 {
						def(l, varSrc{expr: n.Values[0]})
					}
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				if n.Key != nil {
					def(n.Key, varSrc{expr: n.X})
				}
				if n.Value != nil {
					def(n.Value, varSrc{expr: n.X})
				}
			}
		case *ast.TypeSwitchStmt:
			var x ast.Expr
			if a, ok := n.Assign.(*ast.AssignStmt); ok && len(a.Rhs) == 1 {
				if ta, ok := a.Rhs[0].(*ast.TypeAssertExpr); ok {
					x = ta.X
				}
			}
			for _, s := range n.Body.List {
				cc, ok := s.(*ast.CaseClause)
				if !ok {
					continue
				}
				v, ok := c.info.Implicits[cc].(*types.Var)
				if !ok {
					continue
				}
				if len(cc.List) == 1 {
					if id, ok := cc.List[0].(*ast.Ident); !ok || id.Name != "nil" {
						c.vars[v] = varSrc{expr: cc.List[0], isType: true}
						continue
					}
				}
				if x != nil {
					c.vars[v] = varSrc{expr: x}
				}
			}
		}
		return true
	})
}

func (c *fileCtx) varHow(v *types.Var, depth int) string {
	if !c.sameFile(v.Pos()) {
		return "otherfile"
	}
	src, ok := c.vars[v]
	if !ok {
		return "samefile" // parameter, result, receiver, field, var x T
	}
	if src.isType {
		return worst("samefile", c.typeHow(src.expr, depth+1))
	}
	return worst("samefile", c.exprHow(src.expr, depth+1))
}

func (c *fileCtx) isPkg(e ast.Expr) bool {
	if id, ok := e.(*ast.Ident); ok {
		_, ok := c.info.Uses[id].(*types.PkgName)
		return ok
	}
	return false
}

// typeHow: how a type written in the source is known.
func (c *fileCtx) typeHow(t ast.Expr, depth int) string {
	if depth > 12 {
		return "other"
	}
	switch t := t.(type) {
	case *ast.ParenExpr:
		return c.typeHow(t.X, depth+1)
	case *ast.StarExpr:
		return c.typeHow(t.X, depth+1)
	case *ast.IndexExpr:
		return c.typeHow(t.X, depth+1)
	case *ast.IndexListExpr:
		return c.typeHow(t.X, depth+1)
	case *ast.Ident:
		if obj, ok := c.info.Uses[t].(*types.TypeName); ok {
			return c.declHow(obj)
		}
	case *ast.SelectorExpr:
		if c.isPkg(t.X) {
			if obj := c.info.Uses[t.Sel]; obj != nil && c.foreign(obj.Pkg()) {
				return "import"
			}
			return "pkg"
		}
	case *ast.InterfaceType, *ast.StructType, *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType:
		return "samefile"
	}
	return "other"
}

// exprHow: how the type of a receiver expression is known.
func (c *fileCtx) exprHow(e ast.Expr, depth int) string {
	if depth > 12 {
		return "other"
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return c.exprHow(e.X, depth+1)
	case *ast.StarExpr:
		return c.exprHow(e.X, depth+1)
	case *ast.UnaryExpr:
		return c.exprHow(e.X, depth+1)
	case *ast.SliceExpr:
		return c.exprHow(e.X, depth+1)
	case *ast.IndexExpr:
		if c.info.Types[e].IsType() {
			return c.typeHow(e, depth+1)
		}
		return c.exprHow(e.X, depth+1)
	case *ast.IndexListExpr:
		return c.typeHow(e, depth+1)
	case *ast.Ident:
		obj := c.info.Uses[e]
		if obj == nil {
			obj = c.info.Defs[e]
		}
		switch o := obj.(type) {
		case *types.Var:
			return c.varHow(o, depth)
		case *types.TypeName, *types.Const:
			return c.declHow(o)
		}
	case *ast.SelectorExpr:
		if c.isPkg(e.X) {
			if obj := c.info.Uses[e.Sel]; obj != nil && c.foreign(obj.Pkg()) {
				return "import"
			}
			return "pkg"
		}
		sel := c.info.Selections[e]
		if sel == nil || sel.Kind() != types.FieldVal {
			return "other"
		}
		h := c.exprHow(e.X, depth+1)
		if !c.sameFile(sel.Obj().Pos()) {
			h = worst(h, "otherfile")
		}
		if len(sel.Index()) > 1 {
			h = worst(h, "embedded")
		}
		if c.foreign(sel.Obj().Pkg()) {
			h = worst(h, "import")
		}
		return h
	case *ast.CallExpr:
		if c.info.Types[e.Fun].IsType() {
			return c.typeHow(e.Fun, depth+1)
		}
		if id, ok := unparen(e.Fun).(*ast.Ident); ok && len(e.Args) > 0 {
			if b, ok := c.info.Uses[id].(*types.Builtin); ok && (b.Name() == "new" || b.Name() == "make") {
				return c.typeHow(e.Args[0], depth+1)
			}
		}
		if obj := c.usedObj(e.Fun); obj != nil && c.foreign(obj.Pkg()) {
			return "import"
		}
		return "call"
	case *ast.CompositeLit:
		if e.Type != nil {
			return c.typeHow(e.Type, depth+1)
		}
	case *ast.TypeAssertExpr:
		if e.Type != nil {
			return c.typeHow(e.Type, depth+1)
		}
	}
	return "other"
}

// named returns the named type behind t (through one pointer), generic origin for instances.
func named(t types.Type) *types.Named {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := t.(*types.Named); ok {
		return n.Origin()
	}
	return nil
}

func typeKey(n *types.Named) string {
	if n == nil {
		return ""
	}
	if n.Obj().Pkg() == nil {
		return n.Obj().Name()
	}
	return n.Obj().Pkg().Path() + "." + n.Obj().Name()
}

// typeName: "sync.Mutex" for a named type, "error" for the predeclared one.
func typeName(n *types.Named) (string, string) {
	if n.Obj().Pkg() == nil {
		return n.Obj().Name(), ""
	}
	return n.Obj().Pkg().Name() + "." + n.Obj().Name(), n.Obj().Pkg().Path()
}

// objName names a package-level object, a method or a builtin; "" for anything else.
func objName(obj types.Object) (string, string) {
	switch o := obj.(type) {
	case *types.PkgName:
		return o.Imported().Name(), o.Imported().Path()
	case *types.Builtin, *types.Nil:
		return o.Name(), ""
	case *types.Func:
		o = o.Origin()
		if recv := o.Type().(*types.Signature).Recv(); recv != nil {
			n := named(recv.Type())
			if n == nil {
				return "", ""
			}
			tn, path := typeName(n)
			return tn + "." + o.Name(), path
		}
	case *types.Var:
		if o.IsField() {
			return "", ""
		}
	}
	if obj.Pkg() == nil {
		if obj.Parent() == types.Universe {
			return obj.Name(), ""
		}
		return "", ""
	}
	if obj.Parent() != obj.Pkg().Scope() {
		return "", "" // local
	}
	return obj.Pkg().Name() + "." + obj.Name(), obj.Pkg().Path()
}

// embedPath: the named types a selection's index path goes through, the receiver's first
// (nil where a type on the path has no name).
func embedPath(recv types.Type, index []int) []*types.Named {
	t := recv
	out := []*types.Named{named(t)}
	for _, i := range index[:len(index)-1] {
		st, ok := deref(t).Underlying().(*types.Struct)
		if !ok || i >= st.NumFields() {
			return nil
		}
		t = st.Field(i).Type()
		out = append(out, named(t))
	}
	return out
}

// visibleOwner: the type a promoted method or field is named after. It is the type declaring
// it (sync.Mutex.Lock for dc.Lock with an embedded sync.Mutex), unless that type is unexported:
// then the innermost exported type on the embedding path, as go doc shows it (t.Errorf on a
// testing.T is testing.T.Errorf, declared on the unexported testing.common).
func visibleOwner(declared *types.Named, recv types.Type, index []int) *types.Named {
	if declared.Obj().Exported() || declared.Obj().Pkg() == nil || len(index) < 2 {
		return declared
	}
	path := embedPath(recv, index)
	for k := len(path) - 1; k >= 0; k-- {
		if path[k] != nil && path[k].Obj().Exported() {
			return path[k]
		}
	}
	return declared
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

func deref(t types.Type) types.Type {
	if p, ok := t.(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

func (c *fileCtx) walk(f *ast.File) {
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			c.done[n.Sel] = true
			if c.isPkg(n.X) {
				name, path := objName(c.info.Uses[n.Sel])
				if _, ok := c.info.Uses[n.Sel].(*types.Builtin); ok { // unsafe.Sizeof
					pkg := c.info.Uses[n.X.(*ast.Ident)].(*types.PkgName).Imported()
					name, path = pkg.Name()+"."+name, pkg.Path()
				}
				c.emit(n.Sel.Pos(), len(n.Sel.Name), name, "pkg", path)
				return true
			}
			sel := c.info.Selections[n]
			if sel == nil {
				return true
			}
			var how string
			if sel.Kind() == types.MethodExpr {
				how = c.typeHow(n.X, 0)
			} else {
				how = c.exprHow(n.X, 0)
			}
			// The name's owner: the declaring type, or the exported type it is promoted to.
			var owner *types.Named
			switch o := sel.Obj().(type) {
			case *types.Func:
				owner = named(o.Origin().Type().(*types.Signature).Recv().Type())
			case *types.Var:
				if p := embedPath(sel.Recv(), sel.Index()); len(p) > 0 {
					owner = p[len(p)-1]
				}
			}
			if owner == nil {
				return true
			}
			owner = visibleOwner(owner, sel.Recv(), sel.Index())
			// Promoted: naming it needs the embedding (dc.Lock -> sync.Mutex.Lock), unless it
			// is named after the receiver's own type (t.Errorf -> testing.T.Errorf).
			if typeKey(owner) != typeKey(named(sel.Recv())) {
				how = worst(how, "embedded")
			}
			tn, path := typeName(owner)
			c.emit(n.Sel.Pos(), len(n.Sel.Name), tn+"."+sel.Obj().Name(), how, path)
		case *ast.CompositeLit:
			tv, ok := c.info.Types[n]
			if !ok {
				return true
			}
			owner := named(tv.Type)
			if owner == nil {
				return true
			}
			if _, ok := owner.Underlying().(*types.Struct); !ok {
				return true
			}
			how := "other"
			if n.Type != nil {
				how = c.typeHow(n.Type, 0)
			}
			tn, path := typeName(owner)
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						c.done[id] = true
						if v, ok := c.info.Uses[id].(*types.Var); ok && v.IsField() {
							c.emit(id.Pos(), len(id.Name), tn+"."+id.Name, how, path)
						}
					}
				}
			}
		case *ast.Ident:
			if c.done[n] {
				return true
			}
			obj := c.info.Uses[n]
			if obj == nil {
				return true
			}
			name, path := objName(obj)
			if name == "" {
				return true
			}
			how := "builtin"
			switch obj.(type) {
			case *types.PkgName:
				how = "pkg"
			case *types.Builtin, *types.Nil:
			default:
				how = c.declHow(obj)
			}
			c.emit(n.Pos(), len(n.Name), name, how, path)
		case *ast.SendStmt:
			c.emit(n.Arrow, 2, "<-", "syntax", "")
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				c.emit(n.OpPos, 2, "<-", "syntax", "")
			}
		case *ast.Field:
			if n.Tag != nil {
				c.emit(n.Tag.Pos(), len(n.Tag.Value), "struct tag", "syntax", "")
			}
		}
		return true
	})
}
