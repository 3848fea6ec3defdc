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
vim.notify = function(msg, level)
  out('# notify: ' .. tostring(msg):gsub('\n', ' ') .. ' (level ' .. tostring(level) .. ')')
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
