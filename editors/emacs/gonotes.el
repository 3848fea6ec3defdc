;;; gonotes.el --- gonotes (Go notes language server) for Emacs  -*- lexical-binding: t; -*-

;; Not tested here: no Emacs on the machine this was written on (see editors/README.md).
;; Copy the parts you need into your init file, or load this file and call one of
;; `gonotes-eglot-setup', `gonotes-eglot-rass-setup' or `gonotes-lsp-mode-setup'.

;;; Commentary:

;; Eglot (built into Emacs 29+, from GNU ELPA before that) runs ONE language server
;; per major mode and project.  `eglot-server-programs' picks the first entry whose
;; modes match, so an entry for gonotes put in front of the built-in one REPLACES gopls
;; for Go buffers: you would get gonotes' note cards and lose gopls' hovers,
;; definitions, diagnostics, formatting and completion.  Eglot alone cannot run both.
;;
;; Three honest ways out:
;;
;; 1. `gonotes-eglot-setup': gonotes alone.  Only for trying it out, or for a separate
;;    "notes" session; gopls is gone for those buffers.
;;
;; 2. `gonotes-eglot-rass-setup': gopls and gonotes behind a multiplexer that looks like
;;    one server to Eglot.  rassumfrassum (`pip install rassumfrassum', command `rass',
;;    by Eglot's author) is one; lspx (`lspx --lsp "gopls" --lsp "gonotes lsp"',
;;    github.com/thefrontside/lspx) is another.  What you get depends on how the
;;    multiplexer routes each request.  The rassumfrassum source we read sends code
;;    actions and completion to every server and merges them, but sends hover and most
;;    other requests to the FIRST server only (gopls below).  So through rass you get
;;    gonotes' "Open note" code actions and its completions, and gopls' hover, not
;;    gonotes' hover cards.  Putting gonotes first would show its hovers and route
;;    definition etc. to gonotes instead of gopls: worse.  We have not checked how lspx
;;    routes hover.
;;
;; 3. `gonotes-lsp-mode-setup': lsp-mode (not Eglot) can run an "add-on" server next
;;    to the main one, and it merges hover results from several servers.  If you
;;    already use lsp-mode this is the way to get gonotes' hover beside gopls'.
;;
;; Configuration shape (docs/protocol.md):
;;   { "notes": { "paths": [...], "builtin": true }, "definition": false }
;; sent as initializationOptions, and under the section "gonotes" for
;; workspace/configuration and workspace/didChangeConfiguration.
;; In Emacs JSON terms: vectors are arrays, t is true, :json-false is false.

;;; Code:

;; Only for byte-compiling: the lsp-mode section uses its `with-lsp-workspace' macro.
(eval-when-compile (require 'lsp-mode nil t))

(defgroup gonotes nil
  "What your Markdown notes say about the Go code under the cursor."
  :group 'tools)

(defcustom gonotes-program "gonotes"
  "The gonotes binary (a name on `exec-path' or an absolute path)."
  :type 'string)

(defcustom gonotes-note-paths ["~/notes"]
  "Folders or .md files holding your notes, as a vector.
Relative paths resolve against the project root; ~ expands."
  :type '(vector string))

(defcustom gonotes-builtin t
  "Also index the notes compiled into the binary."
  :type 'boolean)

(defun gonotes--config ()
  "The gonotes configuration as a plist Eglot/lsp-mode serialize to JSON."
  (list :notes (list :paths gonotes-note-paths
                     :builtin (if gonotes-builtin t :json-false))
        :definition :json-false))

(defconst gonotes--go-modes '(go-mode go-ts-mode)
  "Major modes for Go buffers.")

(defvar eglot-server-programs)
(defvar eglot-workspace-configuration)

(defun gonotes--eglot-workspace-configuration ()
  "Add the :gonotes section to the default `eglot-workspace-configuration'.
Eglot answers workspace/configuration (section \"gonotes\") from it and pushes it
with workspace/didChangeConfiguration after connecting.  Per project, put
\(:gonotes (:notes (:paths [\"docs/notes\"] :builtin t))) in .dir-locals.el instead."
  (let ((current (default-value 'eglot-workspace-configuration)))
    (if (listp current)
        (setq-default eglot-workspace-configuration
                      (plist-put (copy-sequence current) :gonotes (gonotes--config)))
      (display-warning 'gonotes
                       "eglot-workspace-configuration is a function: add :gonotes to what it returns"))))

;;;; 1. Eglot, gonotes alone (replaces gopls in Go buffers)

(defun gonotes-eglot-setup ()
  "Make Eglot start gonotes, instead of gopls, in Go buffers."
  (require 'eglot)
  (add-to-list 'eglot-server-programs
               `(,gonotes--go-modes
                 . (,gonotes-program "lsp" :initializationOptions ,(gonotes--config))))
  (gonotes--eglot-workspace-configuration))

;;;; 2. Eglot, gopls + gonotes behind rassumfrassum

(defun gonotes-eglot-rass-setup ()
  "Make Eglot start `rass -- gopls -- gonotes lsp' in Go buffers.
rass forwards initialize, and so the initializationOptions, to both
servers; gopls ignores the gonotes keys.  See the Commentary for what
rass merges: not hover."
  (require 'eglot)
  (add-to-list 'eglot-server-programs
               `(,gonotes--go-modes
                 . ("rass" "--" "gopls" "--" ,gonotes-program "lsp"
                    :initializationOptions ,(gonotes--config))))
  (gonotes--eglot-workspace-configuration))

;;;; 3. lsp-mode, gonotes as an add-on next to gopls

(declare-function lsp-register-client "lsp-mode")
(declare-function make-lsp-client "lsp-mode")
(declare-function lsp-stdio-connection "lsp-mode")
(declare-function lsp-activate-on "lsp-mode")
(declare-function lsp-register-custom-settings "lsp-mode")
(declare-function lsp-configuration-section "lsp-mode")
(declare-function lsp--set-configuration "lsp-mode")
(defvar lsp-language-id-configuration)

(defun gonotes-lsp-mode-setup ()
  "Register gonotes with lsp-mode as an add-on server for Go buffers.
lsp-mode then starts it next to gopls (`lsp' in a Go buffer starts both)."
  (require 'lsp-mode)
  (add-to-list 'lsp-language-id-configuration '(go-ts-mode . "go"))
  ;; workspace/configuration "gonotes" is answered from these registered settings.
  (lsp-register-custom-settings
   '(("gonotes.notes.paths" gonotes-note-paths)
     ("gonotes.notes.builtin" gonotes-builtin t)
     ("gonotes.definition" nil t)))
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection (lambda () (list gonotes-program "lsp")))
    :activation-fn (lsp-activate-on "go")
    :server-id 'gonotes
    :add-on? t
    :priority -1
    :initialization-options #'gonotes--config
    ;; Push the same values with workspace/didChangeConfiguration once started.
    :initialized-fn (lambda (workspace)
                      (with-lsp-workspace workspace
                        (lsp--set-configuration
                         (lsp-configuration-section "gonotes")))))))

(provide 'gonotes)
;;; gonotes.el ends here
