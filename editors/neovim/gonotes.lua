-- gonotes for Neovim, with no plugin: the built-in LSP client only.
--
-- Works on Neovim 0.7 and later:
--   * 0.8+  uses vim.lsp.start() (it reuses one client per root folder by itself);
--   * 0.7   falls back to vim.lsp.start_client() + vim.lsp.buf_attach_client(), with
--           the same reuse done here, and sends the settings with
--           workspace/didChangeConfiguration itself (0.8+ does that on its own).
--
-- Install: copy this file to ~/.config/nvim/lua/gonotes.lua, then in init.lua:
--
--   require('gonotes').setup({
--     notes = { paths = { '~/notes', 'docs/notes' }, builtin = true },
--     -- cmd = { '/path/to/gonotes', 'lsp' },   -- default: gonotes from $PATH
--     -- hover_keymap = 'K',                     -- see "Two hovers" below
--   })
--
-- gopls keeps running as before (nvim-lspconfig, vim.lsp.enable('gopls'), or your own
-- setup): gonotes is a second client on the same Go buffers.
--
-- Two hovers: with two clients attached, what `K` / vim.lsp.buf.hover() shows depends
-- on the Neovim version.
--   * 0.11+  vim.lsp.buf.hover() asks every client and shows all answers in one float,
--            each under the client's name ("# gopls", "# gonotes").
--   * 0.7-0.10  each client's answer goes to the same hover handler on its own; the
--            first float is then focused or replaced by the second one, so you see
--            one of the two. require('gonotes').hover() asks every client and shows
--            the answers together; set `hover_keymap = 'K'` to map it in Go buffers
--            (on 0.11+ it just calls vim.lsp.buf.hover()).
--
-- Extras: :GonotesStatus (last gonotes/status message), :GonotesNotes (notes for the
-- symbol under the cursor, from gonotes/notesAt, opened with vim.ui.select), and
-- :GonotesCapture [comment] (the code of a visual selection, :'<,'>GonotesCapture, or of
-- the cursor line, into your notes through the server's `gonotes.capture`; see M.capture).

local M = {}

local uv = vim.uv or vim.loop
local has_start = vim.lsp.start ~= nil -- Neovim 0.8+
local has_merged_hover = vim.fn.has('nvim-0.11') == 1
local has_method_calls = vim.fn.has('nvim-0.11') == 1 -- client:request() instead of client.request()

M.defaults = {
  name = 'gonotes',
  cmd = { 'gonotes', 'lsp' },
  cmd_env = nil, -- e.g. { GONOTES_LOG = 'debug' }; the log goes to Neovim's lsp.log
  filetypes = { 'go' },
  root_markers = { 'go.mod', '.git' },
  -- The configuration shape of docs/protocol.md; sent both as initializationOptions
  -- and as the `gonotes` section of the settings (workspace/configuration).
  -- notes.inbox: the note captures go to when no section is about their Go name
  -- (default: inbox.md in the first notes folder).
  notes = { paths = {}, builtin = true },
  definition = false,
  capabilities = nil,
  on_attach = nil, -- function(client, bufnr)
  on_exit = nil, -- function(code, signal, client_id)
  hover_keymap = nil, -- e.g. 'K': buffer-local map to require('gonotes').hover()
  handlers = nil, -- extra handlers, merged over the ones below
}

-- Last gonotes/status payload per client id:
-- { state = 'indexing'|'ready', notes = n, sections = n, skipped = n, message = '...' }
M.status = {}

local config -- the options given to setup(), merged over M.defaults
local clients_by_root = {} -- Neovim 0.7 only: root_dir -> client id

local function notify(msg, level)
  vim.notify('gonotes: ' .. msg, level or vim.log.levels.INFO)
end

local function is_dir(path)
  local st = uv.fs_stat(path)
  return st ~= nil and st.type == 'directory'
end

--- The nearest folder above `path` (a file) holding one of `markers`; nil when none.
function M.find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  while dir and dir ~= '' do
    for _, marker in ipairs(markers) do
      if uv.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return nil
    end
    dir = parent
  end
  return nil
end

--- The gonotes configuration object (docs/protocol.md): { notes = {...}, definition = bool }.
function M.server_config()
  return {
    notes = {
      paths = config.notes.paths or {},
      builtin = config.notes.builtin ~= false,
      inbox = config.notes.inbox, -- nil: the server's default
    },
    definition = config.definition == true,
  }
end

-- Flattens a Hover result's contents into markdown lines.
local function hover_lines(result)
  if not result or result == vim.NIL or not result.contents then
    return {}
  end
  local lines = vim.lsp.util.convert_input_to_markdown_lines(result.contents)
  -- drop blank lines at both ends
  while #lines > 0 and vim.trim(lines[1]) == '' do
    table.remove(lines, 1)
  end
  while #lines > 0 and vim.trim(lines[#lines]) == '' do
    table.remove(lines)
  end
  return lines
end
M._hover_lines = hover_lines

--- The gonotes client attached to `bufnr` (0 or nil: the current buffer), or nil.
function M.client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr })
    or vim.lsp.buf_get_clients(bufnr)
  for _, c in pairs(clients) do
    if c.name == config.name then
      return c
    end
  end
  return nil
end

--- Hover from every client of the buffer, shown together in one float.
--- On Neovim 0.11+ this is what vim.lsp.buf.hover() does already, so it just calls it.
function M.hover()
  if has_merged_hover then
    return vim.lsp.buf.hover()
  end
  local bufnr = vim.api.nvim_get_current_buf()
  local params = vim.lsp.util.make_position_params()
  vim.lsp.buf_request_all(bufnr, 'textDocument/hover', params, function(results)
    local ids = vim.tbl_keys(results)
    table.sort(ids)
    local blocks = {}
    for _, id in ipairs(ids) do
      local lines = hover_lines(results[id].result)
      if #lines > 0 then
        local client = vim.lsp.get_client_by_id(id)
        table.insert(blocks, { name = client and client.name or tostring(id), lines = lines })
      end
    end
    if #blocks == 0 then
      notify('no hover information here')
      return
    end
    local out = {}
    for i, block in ipairs(blocks) do
      if #blocks > 1 then
        if i > 1 then
          table.insert(out, '---')
        end
        table.insert(out, '# ' .. block.name)
      end
      vim.list_extend(out, block.lines)
    end
    vim.lsp.util.open_floating_preview(out, 'markdown', { focus_id = 'textDocument/hover' })
  end)
end

--- Notes for the symbol under the cursor (gonotes/notesAt), picked with vim.ui.select.
function M.notes_at()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.client(bufnr)
  if not client then
    notify('no gonotes client on this buffer', vim.log.levels.WARN)
    return
  end
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local function on_result(err, result)
    if err then
      notify('notesAt failed: ' .. tostring(err.message or err), vim.log.levels.ERROR)
      return
    end
    if not result or result == vim.NIL or #result == 0 then
      notify('no note mentions this symbol')
      return
    end
    vim.ui.select(result, {
      prompt = 'gonotes',
      format_item = function(item)
        return item.title
      end,
    }, function(item)
      if item then
        vim.cmd('edit ' .. vim.fn.fnameescape(vim.uri_to_fname(item.uri)))
        local start = item.range and item.range.start
        if start then
          pcall(vim.api.nvim_win_set_cursor, 0, { start.line + 1, 0 })
        end
      end
    end)
  end
  if has_method_calls then
    client:request('gonotes/notesAt', params, on_result, bufnr)
  else
    client.request('gonotes/notesAt', params, on_result, bufnr)
  end
end

-- Capture ------------------------------------------------------------------------------

-- The column of byte offset `byte` (at a character boundary) of `line` in `encoding`.
local function lsp_col(line, byte, encoding)
  byte = math.max(0, math.min(byte, #line))
  if encoding == 'utf-8' then
    return byte
  end
  local ok, u32, u16
  if vim.fn.has('nvim-0.11') == 1 then
    ok, u32 = pcall(vim.str_utfindex, line, encoding, byte, false)
    u16 = u32
  else
    ok, u32, u16 = pcall(vim.str_utfindex, line, byte)
  end
  if not ok then
    return byte
  end
  return encoding == 'utf-32' and u32 or u16
end

-- The byte just after the character that starts at byte `col` (0-based) of `line`.
local function char_end(line, col)
  if col >= #line then
    return #line
  end
  local b = line:byte(col + 1)
  local n = (b >= 0xF0 and 4) or (b >= 0xE0 and 3) or (b >= 0xC0 and 2) or 1
  return math.min(#line, col + n)
end

--- The LSP range :GonotesCapture sends for lines `line1`..`line2` (1-based) of `bufnr`:
--- whole lines, or, when `charwise` (the last visual selection was characterwise and
--- covers exactly those lines), from the `'<` mark to the character under `'>`.
function M.capture_range(bufnr, line1, line2, charwise, encoding)
  local function text(l)
    return vim.api.nvim_buf_get_lines(bufnr, l - 1, l, false)[1] or ''
  end
  local last = text(line2)
  local range = {
    start = { line = line1 - 1, character = 0 },
    ['end'] = { line = line2 - 1, character = lsp_col(last, #last, encoding) },
  }
  if charwise then
    local a = vim.api.nvim_buf_get_mark(bufnr, '<')
    local b = vim.api.nvim_buf_get_mark(bufnr, '>')
    if a[1] == line1 and b[1] == line2 then
      local first = text(line1)
      local stop = vim.o.selection == 'exclusive' and math.min(b[2], #last) or char_end(last, b[2])
      range.start.character = lsp_col(first, a[2], encoding)
      range['end'].character = lsp_col(last, stop, encoding)
    end
  end
  return range
end

local function gonotes_clients()
  local clients = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  return vim.tbl_filter(function(c)
    return c.name == config.name
  end, clients)
end

local function loaded_buf(fname)
  local b = vim.fn.bufnr(fname)
  if b > 0 and vim.api.nvim_buf_is_loaded(b) then
    return b
  end
  return nil
end

--- :GonotesCapture [comment]: runs `gonotes.capture` { uri, range, comment? } for the
--- command's range (`opts` as a user command gets it: line1, line2, range, args). The
--- server picks the note and either writes it itself or sends the edit back
--- (workspace/applyEdit; see apply_edit below). Refusals (no notes folder of your own,
--- not a Go file, an empty line, ...) come from the server as a message; nothing is written.
function M.capture(opts)
  opts = opts or {}
  local bufnr = vim.api.nvim_get_current_buf()
  -- a buffer gonotes is not attached to (not Go) still goes to a running server, which
  -- answers why it cannot be captured
  local client = M.client(bufnr) or gonotes_clients()[1]
  if not client then
    notify('the server is not running; open a Go file first', vim.log.levels.WARN)
    return
  end
  local cursor = vim.api.nvim_win_get_cursor(0)[1]
  local line1, line2 = opts.line1 or cursor, opts.line2 or cursor
  local charwise = opts.range == 2 and vim.fn.visualmode() == 'v'
  local argument = {
    uri = vim.uri_from_bufnr(bufnr),
    range = M.capture_range(bufnr, line1, line2, charwise, client.offset_encoding or 'utf-16'),
  }
  local comment = vim.trim(((opts.args or ''):gsub('%s+', ' ')))
  if comment ~= '' then
    argument.comment = comment
  end
  local function on_result(err, result)
    if err then
      notify('capture failed: ' .. tostring(err.message or err), vim.log.levels.ERROR)
      return
    end
    -- null: refused, and the server has said why; { uri, title }: the server wrote the
    -- note; { uri }: the edit comes as workspace/applyEdit
    if type(result) == 'table' and result.title and result.uri then
      local b = loaded_buf(vim.uri_to_fname(result.uri))
      if b and not vim.bo[b].modified then
        pcall(vim.cmd, 'checktime ' .. b) -- show the written note in its buffer
      end
    end
  end
  local params = { command = 'gonotes.capture', arguments = { argument } }
  if has_method_calls then
    client:request('workspace/executeCommand', params, on_result, bufnr)
  else
    client.request('workspace/executeCommand', params, on_result, bufnr)
  end
end

-- workspace/applyEdit (gonotes sends it for captures): Neovim's own handler applies the
-- edit to the note's buffer; then a note that had no unsaved changes before is written,
-- so the capture is on disk (where the server and your other tools read it) as when the
-- server writes the note itself. A buffer with unsaved changes of yours is left to you.
local function apply_edit(err, result, ctx, cfg)
  local uris = {}
  local edit = type(result) == 'table' and result.edit or nil
  if type(edit) == 'table' then
    for uri in pairs(edit.changes or {}) do
      table.insert(uris, uri)
    end
    for _, change in ipairs(edit.documentChanges or {}) do
      if change.textDocument then
        table.insert(uris, change.textDocument.uri)
      end
    end
  end
  local was_modified = {}
  for _, uri in ipairs(uris) do
    local b = loaded_buf(vim.uri_to_fname(uri))
    was_modified[uri] = b ~= nil and vim.bo[b].modified
  end
  local answer = vim.lsp.handlers['workspace/applyEdit'](err, result, ctx, cfg)
  if type(answer) ~= 'table' or not answer.applied then
    return answer
  end
  for _, uri in ipairs(uris) do
    local fname = vim.uri_to_fname(uri)
    local name = vim.fn.fnamemodify(fname, ':t')
    local b = loaded_buf(fname)
    if was_modified[uri] then
      notify('added to ' .. name .. ' (not written: the buffer has other unsaved changes)')
    elseif b then
      local ok, e = pcall(vim.api.nvim_buf_call, b, function()
        vim.cmd('silent update')
      end)
      if ok then
        notify('added to ' .. name)
      else
        notify('added to ' .. name .. ', but writing it failed: ' .. tostring(e), vim.log.levels.ERROR)
      end
    end
  end
  return answer
end

local function on_status(_, result, ctx)
  if type(result) ~= 'table' then
    return
  end
  M.status[ctx.client_id] = result
  pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = 'GonotesStatus', modeline = false })
end

-- window/showDocument for Neovim 0.7, which has no handler for it (0.8+ has one).
-- gonotes uses it for the `gonotes.openNote` command (the "Open note" code action).
local function show_document(_, result, ctx)
  if type(result) ~= 'table' or not result.uri then
    return { success = false }
  end
  if result.external then
    return { success = false }
  end
  local fname = vim.uri_to_fname(result.uri)
  local ok = pcall(vim.cmd, 'edit ' .. vim.fn.fnameescape(fname))
  if ok and result.selection and result.selection.start then
    local s = result.selection.start
    pcall(vim.api.nvim_win_set_cursor, 0, { s.line + 1, s.character })
  end
  return { success = ok }
end

local function client_config(root_dir)
  local handlers = { ['gonotes/status'] = on_status, ['workspace/applyEdit'] = apply_edit }
  local capabilities = config.capabilities or vim.lsp.protocol.make_client_capabilities()
  if not vim.lsp.handlers['window/showDocument'] then
    handlers['window/showDocument'] = show_document
    capabilities = vim.tbl_deep_extend('force', capabilities, {
      window = { showDocument = { support = true } },
    })
  end
  handlers = vim.tbl_extend('force', handlers, config.handlers or {})
  local server_config = M.server_config()
  return {
    name = config.name,
    cmd = config.cmd,
    cmd_env = config.cmd_env,
    root_dir = root_dir,
    workspace_folders = { { uri = vim.uri_from_fname(root_dir), name = root_dir } },
    init_options = server_config,
    settings = { gonotes = server_config },
    capabilities = capabilities,
    handlers = handlers,
    on_init = function(client)
      if not has_start then
        -- Neovim 0.7 does not send the settings after `initialized`; 0.8+ does.
        client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
      end
      return true
    end,
    on_exit = config.on_exit,
    on_attach = function(client, bufnr)
      if config.hover_keymap then
        vim.api.nvim_buf_set_keymap(bufnr, 'n', config.hover_keymap, '', {
          noremap = true,
          silent = true,
          desc = 'hover from every language server (gonotes)',
          callback = M.hover,
        })
      end
      if config.on_attach then
        config.on_attach(client, bufnr)
      end
    end,
  }
end

--- Starts (or reuses) the gonotes client for `bufnr` and attaches it. Returns the client id.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == '' or fname:match('^%a[%w+.-]*://') then
    return nil -- not a file on disk (fugitive://, scratch buffers, ...)
  end
  if vim.fn.executable(config.cmd[1]) ~= 1 then
    if not M._warned then
      M._warned = true
      notify('server not found: ' .. config.cmd[1] .. ' (set `cmd` in setup())', vim.log.levels.WARN)
    end
    return nil
  end
  fname = vim.fn.fnamemodify(fname, ':p')
  local root_dir = M.find_root(fname, config.root_markers) or vim.fn.fnamemodify(fname, ':h')
  if not is_dir(root_dir) then
    return nil
  end

  if has_start then
    return vim.lsp.start(client_config(root_dir), { bufnr = bufnr })
  end

  -- Neovim 0.7: one client per root folder, kept here.
  local id = clients_by_root[root_dir]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(client_config(root_dir))
    if not id then
      return nil
    end
    clients_by_root[root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

function M.setup(opts)
  opts = opts or {}
  -- shallow on purpose: lists (cmd, paths, markers) are replaced, never merged by index
  config = vim.tbl_extend('force', {}, M.defaults, opts)
  config.notes = vim.tbl_extend('force', {}, M.defaults.notes, opts.notes or {})

  local group = vim.api.nvim_create_augroup('gonotes', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
    desc = 'start gonotes beside gopls',
  })

  vim.api.nvim_create_user_command('GonotesStatus', function()
    local any = false
    for id, st in pairs(M.status) do
      any = true
      print(string.format('gonotes[%d]: %s, %s notes, %s sections, %s skipped %s', id,
        tostring(st.state), tostring(st.notes), tostring(st.sections), tostring(st.skipped),
        st.message and ('- ' .. st.message) or ''))
    end
    if not any then
      print('gonotes: no status received yet')
    end
  end, { desc = 'last gonotes/status message' })
  vim.api.nvim_create_user_command('GonotesNotes', M.notes_at, {
    desc = 'notes for the symbol under the cursor',
  })
  vim.api.nvim_create_user_command('GonotesCapture', M.capture, {
    range = true,
    nargs = '*',
    desc = "the selected lines (:'<,'>) or the cursor line into your notes, with an optional comment",
  })

  -- Buffers that already have a Go filetype when setup() runs (e.g. lazy loading).
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr)
      and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
  return M
end

return M
