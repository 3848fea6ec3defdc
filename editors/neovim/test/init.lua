-- Headless test for editors/neovim/gonotes.lua; started by run.sh, which sets:
--   GONOTES_REPO     repository root
--   GONOTES_SERVER   absolute path of the gonotes binary
--   GONOTES_PROJECT  the temporary Go module (go.mod, main.go, mynotes/)
--   GONOTES_RESULT   file to write "<passed> <failed>" into
-- Every wait is bounded and polls with vim.wait(); there are no fixed sleeps.

local repo = assert(os.getenv('GONOTES_REPO'), 'GONOTES_REPO not set')
local server = assert(os.getenv('GONOTES_SERVER'), 'GONOTES_SERVER not set')
local project = assert(os.getenv('GONOTES_PROJECT'), 'GONOTES_PROJECT not set')
local result_file = assert(os.getenv('GONOTES_RESULT'), 'GONOTES_RESULT not set')

local ATTACH_MS = 20000
local READY_MS = 60000
local REQUEST_MS = 10000
local FLOAT_MS = 10000

local passed, failed = 0, 0

local function out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

-- Headless Neovim writes messages to the terminal without a newline; keep them on
-- their own lines so the report stays readable.
local notices = {} -- every vim.notify message, in order
vim.notify = function(msg, level)
  table.insert(notices, tostring(msg))
  out('# notify: ' .. tostring(msg):gsub('\n', ' ') .. ' (level ' .. tostring(level) .. ')')
end

-- window/showMessage from the server: recorded, then shown by Neovim's own handler.
local shown_messages = {}
local show_message = vim.lsp.handlers['window/showMessage']
vim.lsp.handlers['window/showMessage'] = function(err, result, ctx, cfg)
  if type(result) == 'table' then
    table.insert(shown_messages, { type = result.type, message = tostring(result.message) })
    out('# showMessage (type ' .. tostring(result.type) .. '): ' .. tostring(result.message))
  end
  return show_message(err, result, ctx, cfg)
end

local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    out('ok - ' .. name)
  else
    failed = failed + 1
    out('not ok - ' .. name .. (detail and (': ' .. detail) or ''))
  end
  return ok
end

local function short(s, n)
  s = tostring(s):gsub('\n', '\\n')
  n = n or 300
  if #s > n then
    s = s:sub(1, n) .. '...'
  end
  return s
end

local function all_clients()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients()
  end
  return vim.lsp.get_active_clients()
end

local server_exit -- set if the server process ends while the test runs
local gonotes = dofile(repo .. '/editors/neovim/gonotes.lua')
gonotes.setup({
  cmd = { server, 'lsp' },
  notes = { paths = { project .. '/mynotes' }, builtin = true },
  on_exit = function(code, signal)
    server_exit = string.format('exit code %s, signal %s', tostring(code), tostring(signal))
  end,
})

-- Position (0-based line, UTF-16 character inside the word) of `needle` in `bufnr`.
local function position_of(bufnr, needle)
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  for i, line in ipairs(lines) do
    local col = line:find(needle, 1, true)
    if col then
      return { line = i - 1, character = col - 1 + 2 }
    end
  end
  error('fixture has no ' .. needle)
end

local function params_at(bufnr, needle)
  return {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = position_of(bufnr, needle),
  }
end

-- Sends `method` and returns (response of the gonotes client or nil, error text or nil).
local function request(bufnr, client_id, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, REQUEST_MS)
  if not responses then
    return nil, 'no response within ' .. REQUEST_MS .. ' ms (' .. tostring(err) .. ')'
  end
  local response = responses[client_id]
  if not response then
    return nil, 'the gonotes client did not answer'
  end
  local rpc_err = response.err or response.error
  if rpc_err then
    return nil, 'error ' .. short(vim.inspect(rpc_err))
  end
  return response, nil
end

local function hover_text(result)
  if result == nil or result == vim.NIL then
    return ''
  end
  return table.concat(gonotes._hover_lines(result), '\n')
end

local test_capture -- below: needs helpers defined after test_body

local function test_body()
  local bufnr = vim.fn.bufnr(project .. '/main.go')
  check('fixture main.go is open with filetype go', bufnr > 0 and vim.bo[bufnr].filetype == 'go',
    'bufnr ' .. bufnr .. ', filetype ' .. (bufnr > 0 and vim.bo[bufnr].filetype or '?'))

  -- 1. the client attaches and finishes initialize
  local client
  local attached = vim.wait(ATTACH_MS, function()
    client = gonotes.client(bufnr)
    return server_exit ~= nil
      or (client ~= nil and client.initialized == true and client.server_capabilities ~= nil)
  end, 50)
  attached = attached and server_exit == nil
  if not check('gonotes client attached and initialized', attached,
      server_exit and ('the server process ended first (' .. server_exit .. ')')
      or ('no initialized client after ' .. ATTACH_MS .. ' ms')) then
    return
  end
  check('one client per root (reused, not duplicated)', #vim.tbl_filter(function(c)
    return c.name == 'gonotes'
  end, all_clients()) == 1)
  local caps = client.server_capabilities
  check('server announces hoverProvider', caps.hoverProvider ~= nil and caps.hoverProvider ~= false,
    short(vim.inspect(caps.hoverProvider)))

  -- 2. the index is ready (gonotes/status { state = "ready" })
  local ready = vim.wait(READY_MS, function()
    local st = gonotes.status[client.id]
    return st ~= nil and st.state == 'ready'
  end, 50)
  local st = gonotes.status[client.id]
  check('gonotes/status reached state "ready"', ready,
    'last status: ' .. short(vim.inspect(st)))
  if st then
    out(string.format('# status: %s notes, %s sections, %s skipped', tostring(st.notes),
      tostring(st.sections), tostring(st.skipped)))
  end

  -- 3. hover on rt.Gosched (runtime imported as rt) shows the built-in note
  local response, err = request(bufnr, client.id, 'textDocument/hover', params_at(bufnr, 'Gosched'))
  local text = response and hover_text(response.result) or ''
  check('hover on rt.Gosched contains 让出当前时间片', text:find('让出当前时间片', 1, true) ~= nil,
    err or ('hover was: ' .. short(text)))

  -- 4. hover on fmt.Println: nothing from gonotes
  response, err = request(bufnr, client.id, 'textDocument/hover', params_at(bufnr, 'Println'))
  text = response and hover_text(response.result) or ''
  check('hover on fmt.Println returns nothing from gonotes', response ~= nil and text == '',
    err or ('hover was: ' .. short(text)))

  -- 5. gonotes/notesAt on rt.Gosched: a note whose file the editor can open
  response, err = request(bufnr, client.id, 'gonotes/notesAt', params_at(bufnr, 'Gosched'))
  local notes = response and response.result
  local first = type(notes) == 'table' and notes[1] or nil
  local readable = first ~= nil and type(first.uri) == 'string'
    and first.uri:match('^file://') ~= nil
    and vim.fn.filereadable(vim.uri_to_fname(first.uri)) == 1
  check('gonotes/notesAt on rt.Gosched names a readable note file', readable,
    err or ('result was: ' .. short(vim.inspect(notes))))
  if first then
    out('# best note: ' .. tostring(first.title))
  end

  -- 6. notes.paths from the setup reaches the server (init_options / settings)
  response, err = request(bufnr, client.id, 'textDocument/hover', params_at(bufnr, 'Repeat'))
  text = response and hover_text(response.result) or ''
  check('hover on strings.Repeat shows the note from notes.paths', text:find('GONOTES-FIXTURE-MARKER', 1, true) ~= nil,
    err or ('hover was: ' .. short(text)))

  -- 7. the user-facing hover (require('gonotes').hover(), i.e. K) opens a float with the card
  local pos = position_of(bufnr, 'Gosched')
  vim.api.nvim_set_current_buf(bufnr)
  vim.api.nvim_win_set_cursor(0, { pos.line + 1, pos.character })
  gonotes.hover()
  local float_text = ''
  local shown = vim.wait(FLOAT_MS, function()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(win).relative ~= '' then
        local buf = vim.api.nvim_win_get_buf(win)
        float_text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
        if float_text:find('让出当前时间片', 1, true) then
          return true
        end
      end
    end
    return false
  end, 50)
  check('require("gonotes").hover() opens a float with the note', shown,
    'float text: ' .. short(float_text))
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then
      pcall(vim.api.nvim_win_close, win, true)
    end
  end

  -- 8. "Open note" code action -> workspace/executeCommand gonotes.openNote -> the server's
  --    window/showDocument opens the note (on 0.7 through gonotes.lua's own handler)
  pos = position_of(bufnr, 'Gosched')
  response, err = request(bufnr, client.id, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = pos, ['end'] = pos },
    context = { diagnostics = {} },
  })
  local action
  for _, a in ipairs(response and type(response.result) == 'table' and response.result or {}) do
    if type(a.title) == 'string' and a.title:find('^Open note') then
      action = a
      break
    end
  end
  local command = action and (type(action.command) == 'table' and action.command or action)
  if check('code action "Open note: ..." on rt.Gosched', command ~= nil and command.command == 'gonotes.openNote',
      err or ('actions were: ' .. short(vim.inspect(response and response.result)))) then
    request(bufnr, client.id, 'workspace/executeCommand', {
      command = command.command,
      arguments = command.arguments,
    })
    local opened = vim.wait(FLOAT_MS, function()
      return vim.api.nvim_get_current_buf() ~= bufnr
        and vim.api.nvim_get_current_line():find('让出当前时间片', 1, true) ~= nil
    end, 50)
    check('gonotes.openNote opens the note at the Gosched line', opened,
      'now at ' .. vim.api.nvim_buf_get_name(0) .. ':' .. vim.api.nvim_win_get_cursor(0)[1]
        .. ': ' .. short(vim.api.nvim_get_current_line()))
    vim.api.nvim_set_current_buf(bufnr)
  end

  -- 9. capture
  test_capture(bufnr, client)
end

-- Capture: :GonotesCapture on a visual line range, the cursor line and a characterwise
-- selection; then the bad inputs (a blank line, a buffer that is not Go, no notes folder
-- of one's own), each with the server's message and the notes unchanged.
local CAPTURE_MS = 15000

local function read_file(path)
  local f = io.open(path, 'rb')
  if not f then
    return nil
  end
  local text = f:read('*a')
  f:close()
  return text
end

-- Every file below the project, with its bytes.
local function snapshot()
  local files = {}
  for _, path in ipairs(vim.fn.glob(project .. '/**/*', true, true)) do
    if vim.fn.isdirectory(path) == 0 then
      files[path] = read_file(path)
    end
  end
  return files
end

local function same_files(before, after)
  for path, text in pairs(after) do
    if before[path] == nil then
      return false, path .. ' was created'
    elseif before[path] ~= text then
      return false, path .. ' changed'
    end
  end
  for path in pairs(before) do
    if after[path] == nil then
      return false, path .. ' was deleted'
    end
  end
  return true
end

-- Waits for a window/showMessage holding `needle`, sent after the first `from` ones.
local function message_after(from, needle)
  local found
  vim.wait(CAPTURE_MS, function()
    for i = from + 1, #shown_messages do
      if shown_messages[i].message:find(needle, 1, true) then
        found = shown_messages[i]
        return true
      end
    end
    return false
  end, 50)
  return found
end

-- Polls the hover on `needle` until it holds every string of `want`; returns ok, last text.
local function hover_until(bufnr, client_id, needle, want)
  local text = ''
  local ok = vim.wait(CAPTURE_MS, function()
    local response = request(bufnr, client_id, 'textDocument/hover', params_at(bufnr, needle))
    text = response and hover_text(response.result) or ''
    for _, w in ipairs(want) do
      if not text:find(w, 1, true) then
        return false
      end
    end
    return true
  end, 100)
  return ok, text
end

local function line_of(bufnr, needle)
  return position_of(bufnr, needle).line + 1
end

test_capture = function(bufnr, client)
  local notes_file = project .. '/mynotes/fixture-notes.md'
  local inbox = project .. '/mynotes/inbox.md'
  vim.api.nvim_set_current_buf(bufnr)

  -- 1. :'<,'>GonotesCapture on a linewise selection, with a comment: into the section that
  --    answers strings.Repeat (the note exists: the edit comes as workspace/applyEdit,
  --    gonotes.lua writes the buffer)
  local repeat_line = line_of(bufnr, 'strings.Repeat')
  vim.api.nvim_win_set_cursor(0, { repeat_line, 0 })
  vim.cmd('normal! V\27')
  local notices_before = #notices
  vim.cmd("'<,'>GonotesCapture repeats   a string\tn times")
  local note = ''
  local landed = vim.wait(CAPTURE_MS, function()
    note = read_file(notes_file) or ''
    return note:find('```go\n_ = strings.Repeat("ab", 3)\n```', 1, true) ~= nil
  end, 50)
  check(":'<,'>GonotesCapture writes the selected line into the strings.Repeat section", landed,
    'note is: ' .. short(note, 600))
  check('the comment is written with it, as one line, with a link back to main.go',
    note:find('repeats a string n times — [main.go:' .. repeat_line .. '](../main.go#L' .. repeat_line .. ')', 1, true) ~= nil,
    'note is: ' .. short(note, 600))
  local note_buf = vim.fn.bufnr(notes_file)
  check('the note was edited in its buffer (workspace/applyEdit) and written',
    note_buf > 0 and not vim.bo[note_buf].modified
      and table.concat(vim.api.nvim_buf_get_lines(note_buf, 0, -1, false), '\n') .. '\n' == note,
    'buffer ' .. note_buf .. (note_buf > 0 and (vim.bo[note_buf].modified and ' modified' or ' unmodified') or ''))
  local said = false
  for i = notices_before + 1, #notices do
    said = said or notices[i]:find('added to fixture-notes.md', 1, true) ~= nil
  end
  check('the user is told: "added to fixture-notes.md"', said)
  local ok, text = hover_until(bufnr, client.id, 'Repeat', { '_ = strings.Repeat("ab", 3)', 'GONOTES-FIXTURE-MARKER' })
  check('the hover on strings.Repeat then shows the captured snippet', ok, 'hover was: ' .. short(text))

  -- 2. :GonotesCapture on the cursor line, no comment: runtime.Gosched has no section in
  --    mynotes, so it goes to mynotes/inbox.md (made by the server, which writes it itself)
  local from = #shown_messages
  vim.api.nvim_win_set_cursor(0, { line_of(bufnr, 'rt.Gosched()'), 0 })
  vim.cmd('GonotesCapture')
  local box = ''
  landed = vim.wait(CAPTURE_MS, function()
    box = read_file(inbox) or ''
    return box:find('```go\nrt.Gosched()\n```', 1, true) ~= nil
  end, 50)
  check(':GonotesCapture on the cursor line writes it into mynotes/inbox.md under ## runtime.Gosched',
    landed and box:find('## runtime.Gosched', 1, true) ~= nil, 'inbox.md is: ' .. short(box, 600))
  local info = message_after(from, 'added to inbox.md')
  check('the server says where it went: "added to inbox.md › runtime.Gosched"',
    info ~= nil and info.message:find('runtime.Gosched', 1, true) ~= nil, short(vim.inspect(shown_messages)))
  ok, text = hover_until(bufnr, client.id, 'Gosched', { 'rt.Gosched()', 'inbox.md' })
  check('the hover on rt.Gosched then shows the captured snippet from inbox.md', ok, 'hover was: ' .. short(text))

  -- 3. a characterwise selection: only the selected characters
  local line = vim.api.nvim_buf_get_lines(bufnr, repeat_line - 1, repeat_line, false)[1]
  local s = line:find('strings.Repeat', 1, true)
  vim.api.nvim_win_set_cursor(0, { repeat_line, s - 1 })
  vim.cmd('normal! vf)\27')
  vim.cmd("'<,'>GonotesCapture")
  landed = vim.wait(CAPTURE_MS, function()
    note = read_file(notes_file) or ''
    return note:find('```go\nstrings.Repeat("ab", 3)\n```', 1, true) ~= nil
  end, 50)
  check(":'<,'>GonotesCapture on a characterwise selection captures only the selected text", landed,
    'note is: ' .. short(note, 800))

  -- 4. bad input: a message, and no file changes
  local function refused(name, needle, run)
    local before = snapshot()
    local at = #shown_messages
    run()
    local msg = message_after(at, needle)
    local same, what = same_files(before, snapshot())
    check(name, msg ~= nil and msg.type == 1 and same,
      (msg == nil and ('no message with "' .. needle .. '"; got ' .. short(vim.inspect(shown_messages), 600)) or '')
        .. (same and '' or (' ' .. tostring(what))))
  end
  vim.api.nvim_set_current_buf(bufnr)
  refused(':GonotesCapture on a blank line: "nothing to capture", nothing written', 'nothing to capture', function()
    vim.api.nvim_win_set_cursor(0, { 2, 0 })
    vim.cmd('GonotesCapture a comment that must not land')
  end)
  refused(':GonotesCapture in a Markdown buffer: "not a Go file", nothing written', 'not a Go file', function()
    vim.cmd('edit ' .. vim.fn.fnameescape(notes_file))
    vim.cmd('GonotesCapture')
  end)
  vim.api.nvim_set_current_buf(bufnr)
  -- the notes become the built-in ones only (notes.paths empty, no notes/ folder)
  client.notify('workspace/didChangeConfiguration', { settings = { gonotes = { notes = { paths = {} } } } })
  local builtin_only = vim.wait(READY_MS, function()
    local st = gonotes.status[client.id]
    return st ~= nil and st.state == 'ready' and st.notes == 1
  end, 50)
  if check('notes.paths emptied: the server is down to the built-in notes', builtin_only,
      short(vim.inspect(gonotes.status[client.id]))) then
    refused(':GonotesCapture with only the built-in notes: "no notes folder to write to", nothing written',
      'no notes folder to write to', function()
        vim.api.nvim_win_set_cursor(0, { line_of(bufnr, 'strings.Repeat'), 0 })
        vim.cmd('GonotesCapture')
      end)
  end
end

-- lspconfig.lua registers the same configuration. nvim-lspconfig is not installed here,
-- so on Neovim < 0.11 its three modules are stubbed: this checks the shape of what
-- lspconfig.lua hands to nvim-lspconfig, not nvim-lspconfig itself.
local function test_lspconfig_shape()
  local setup_args
  if vim.lsp.config and vim.lsp.enable then
    out('# lspconfig.lua: Neovim 0.11+ path (vim.lsp.config), not stubbed')
    dofile(repo .. '/editors/neovim/lspconfig.lua').setup({
      cmd = { server, 'lsp' }, notes = { paths = { 'x' } },
    })
    local c = vim.lsp.config.gonotes
    check('lspconfig.lua: vim.lsp.config("gonotes") has init_options and settings',
      c and c.init_options.notes.paths[1] == 'x' and c.settings.gonotes.notes.builtin == true)
    return
  end
  package.loaded['lspconfig.configs'] = {}
  package.loaded['lspconfig.util'] = {
    root_pattern = function(...)
      local markers = { ... }
      return function(fname)
        return gonotes.find_root(fname, markers)
      end
    end,
  }
  package.loaded['lspconfig'] = setmetatable({}, {
    __index = function(_, key)
      local entry = package.loaded['lspconfig.configs'][key]
      if entry then
        return { setup = function(args) setup_args = args end }
      end
    end,
  })
  dofile(repo .. '/editors/neovim/lspconfig.lua').setup({
    cmd = { server, 'lsp' }, notes = { paths = { 'x' } },
  })
  local entry = package.loaded['lspconfig.configs'].gonotes
  local dc = entry and entry.default_config or {}
  check('lspconfig.lua registers gonotes in lspconfig.configs (stubbed nvim-lspconfig)',
    entry ~= nil and dc.cmd[1] == server and dc.cmd[2] == 'lsp'
      and vim.deep_equal(dc.filetypes, { 'go' })
      and dc.init_options.notes.paths[1] == 'x' and dc.init_options.notes.builtin == true
      and dc.settings.gonotes.notes.paths[1] == 'x'
      and dc.root_dir(project .. '/main.go') == project
      and setup_args ~= nil,
    short(vim.inspect(entry)))
  for _, m in ipairs({ 'lspconfig', 'lspconfig.configs', 'lspconfig.util' }) do
    package.loaded[m] = nil
  end
end

local finished = false

local function finish()
  if finished then
    return
  end
  finished = true
  local f = io.open(result_file, 'w')
  if f then
    f:write(string.format('%d %d\n', passed, failed))
    f:close()
  end
  local clients = all_clients()
  if #clients > 0 then
    vim.lsp.stop_client(clients)
    vim.wait(5000, function()
      return #all_clients() == 0
    end, 50)
  end
  vim.cmd('qall!')
end

local function run()
  local ok, err = xpcall(test_body, debug.traceback)
  if not ok then
    check('test body ran without a Lua error', false, short(err, 2000))
  end
  ok, err = xpcall(test_lspconfig_shape, debug.traceback)
  if not ok then
    check('lspconfig shape check ran without a Lua error', false, short(err, 2000))
  end
  finish()
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(run)
  end,
})
