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
-- symbol under the cursor, from gonotes/notesAt, opened with vim.ui.select).

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
  local handlers = { ['gonotes/status'] = on_status }
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
